/**
 * A batch that takes longer to send than a worker's lease (a slow provider: a small utility's SMSC contract of a
 * few messages a second) is still its worker's, and so is its job: the batch's claim is renewed by every write,
 * and no other slot takes the job meanwhile. When the batch ends with deliveries to try again (the SMSC
 * throttled them), its job is tried again within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmsc, type Smsc } from '../../src/channels/sms/smsc-simulator.js';
import { createContext, type Context } from '../../src/context.js';
import { testConfig } from '../app.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { waitFor } from '../wait.js';
import { addMobilesInBulk, buildTown, startedSend } from './fixtures.js';

const RECIPIENTS = 12;
const LEASE_MS = 1000;
const number = (i: number) => `+3584053${String(i).padStart(4, '0')}1`;

for (const kind of TEST_DATABASES) {
  describe(`a batch longer than the lease [${kind}]`, () => {
    let database: FreshDatabase;
    let smsc: Smsc;
    let context: Context;

    beforeAll(async () => {
      database = await freshDatabase(kind);
      // The SMSC takes 3 a second and throttles the rest; Aviso sends 6 a second: the batch of 12 takes
      // two seconds, twice the lease, and ends with some to try again.
      smsc = await startSmsc(0, { systemId: 'aviso', password: 'pw', tps: 3 });
      context = createContext(
        testConfig({
          databaseUrl: database.url,
          sms: `smpp://aviso:pw@127.0.0.1:${smsc.port}?source=MantanVesi&tps=6`,
        }),
        database.db,
        { dispatch: { batchSize: RECIPIENTS, leaseMs: LEASE_MS } },
      );
    });

    afterAll(async () => {
      await context?.dispatch.runtime.stop();
      await smsc?.close();
      await database?.drop();
    });

    it('keeps its job while it runs, and its throttled deliveries are tried again within seconds', async () => {
      const tenant = await buildTown(context);
      await addMobilesInBulk(context, tenant, RECIPIENTS, number);
      const message = await startedSend(context, tenant, 'Katko');
      await context.dispatch.runtime.startWorkers({ concurrency: 2, sweepMs: 200 });

      const done = await waitFor(
        'every recipient sent',
        async () => {
          const current = await context.dispatch.messages.getMessage(tenant, message.id);
          return current.queued === 0 && current.status === 'sent' ? current : undefined;
        },
        60_000,
      );
      expect(done.failed).toBe(0);
      const numbers = smsc.messages.map((m) => m.to);
      expect(numbers).toHaveLength(RECIPIENTS);
      expect(new Set(numbers).size).toBe(RECIPIENTS);
      const throttled = await context.db.kysely
        .selectFrom('deliveries')
        .select('attempts')
        .where('message_id', '=', message.id)
        .where('attempts', '>', 1)
        .execute();
      // The SMSC did throttle: some needed a second try.
      expect(throttled.length).toBeGreaterThan(0);
    }, 90_000);
  });
}
