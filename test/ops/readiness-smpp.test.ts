/**
 * GET /readyz with SMS over SMPP, before anything was sent: ready against a working SMSC (the health check
 * binds, and the bind stays), not ready with the reason when nothing listens or the login is refused; on
 * both databases. Against `aviso smsc` (the simulator) and Debian's Net::SMPP SMSC.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmsc, type Smsc } from '../../src/channels/sms/smsc-simulator.js';
import { createTestApp, type TestApp } from '../app.js';
import { startNetSmppSmsc, until, type NetSmppSmsc } from '../channels/net-smpp.js';
import { TEST_DATABASES } from '../databases.js';

/** A port on which nothing listens (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Check = { name: string; ok: boolean; detail: string };

async function readiness(test: TestApp) {
  const response = await test.app.inject({ url: '/readyz' });
  const checks = response.json().checks as Check[];
  return { status: response.statusCode, sms: checks.find((c) => c.name === 'channel:sms')!, checks };
}

for (const kind of TEST_DATABASES) {
  describe(`readiness of SMS over SMPP [${kind}]`, () => {
    let smsc: Smsc;
    let peer: NetSmppSmsc;
    const apps: TestApp[] = [];
    const app = async (sms: string) => {
      const test = await createTestApp(kind, { sms });
      apps.push(test);
      await test.context.dispatch.warmRegisters();
      return test;
    };

    beforeAll(async () => {
      smsc = await startSmsc(0, { systemId: 'aviso', password: 'pw' });
      peer = await startNetSmppSmsc();
    });
    afterAll(async () => {
      for (const test of apps) {
        await test.app.close();
        await test.database.drop();
      }
      await smsc.close();
      await peer.kill();
    });

    it('is ready against the simulator before any send: the check binds, and the bind stays', async () => {
      const test = await app(`smpp://aviso:pw@127.0.0.1:${smsc.port}?source=Aviso`);
      expect(smsc.binds()).toEqual([]);
      const { status, sms, checks } = await readiness(test);
      expect(status, JSON.stringify(checks)).toBe(200);
      expect(sms).toEqual({
        name: 'channel:sms',
        ok: true,
        detail: `smpp://aviso@127.0.0.1:${smsc.port}: 1 of 1 binds up`,
      });
      expect(smsc.binds()).toEqual(['transceiver']);
      // The next check finds the same session bound; no second bind.
      expect((await readiness(test)).status).toBe(200);
      expect(smsc.binds()).toEqual(['transceiver']);
    });

    it('is ready against the Net::SMPP SMSC before any send', async () => {
      const test = await app(`smpp://aviso:pw@127.0.0.1:${peer.port}?binds=2`);
      const { status, sms } = await readiness(test);
      expect(status).toBe(200);
      expect(sms.detail).toBe(`smpp://aviso@127.0.0.1:${peer.port}: 2 of 2 binds up`);
      // The peer answers a bind before it reports it: wait for its report.
      await until(() => peer.bound() === 2, 10_000);
    });

    it('is not ready, with the reason, when nothing listens or the SMSC refuses the login', async () => {
      const port = await closedPort();
      const refused = await readiness(await app(`smpp://aviso:pw@127.0.0.1:${port}`));
      expect(refused.status).toBe(503);
      expect(refused.sms.ok).toBe(false);
      expect(refused.sms.detail).toMatch(
        new RegExp(
          `^smpp://aviso@127\\.0\\.0\\.1:${port}: 0 of 1 binds up \\(no SMPP bind to 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`,
        ),
      );
      const wrong = await readiness(await app(`smpp://aviso:wrong@127.0.0.1:${smsc.port}`));
      expect(wrong.status).toBe(503);
      expect(wrong.sms.detail).toMatch(/0 of 1 binds up \(.*SMPP bind refused \(ESME_RBINDFAIL\)/);
    });
  });
}
