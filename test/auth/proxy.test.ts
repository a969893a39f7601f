/**
 * AVISO_TRUST_PROXY: X-Forwarded-For is believed only from the configured proxies (addresses/CIDRs or a
 * hop count), and the client is the right-most hop not trusted — so forged entries on the left do not
 * get a client round the per-address limits. Trusting everyone is refused.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from '../../src/config.js';
import type { AppInstance } from '../../src/app.js';
import { describeEachDatabase } from '../app.js';
import { buildTown } from '../residents/resident-client.js';
import { nextPhone } from './phones.js';

/** PIN requests from `remoteAddress`, each with another forged left-most X-Forwarded-For entry; their status codes. */
async function forgedRequests(
  app: AppInstance,
  slug: string,
  remoteAddress: string,
  forwardedTail: string,
): Promise<number[]> {
  const codes = [];
  for (let i = 0; i < 5; i++) {
    const answer = await app.inject({
      method: 'POST',
      url: `/api/t/${slug}/login/pin`,
      payload: { phone: nextPhone().national },
      remoteAddress,
      headers: { 'x-forwarded-for': `203.0.113.${i + 1}${forwardedTail}` },
    });
    codes.push(answer.statusCode);
  }
  return codes;
}

describe('AVISO_TRUST_PROXY', () => {
  const base = { AVISO_SECRET: 'test-secret-test-secret-test-secret-0123' };
  it('takes false, a hop count, or addresses and CIDRs — never "trust everyone"', () => {
    expect(loadConfig(base, '/nonexistent').trustProxy).toBe(false);
    expect(loadConfig({ ...base, AVISO_TRUST_PROXY: '2' }, '/nonexistent').trustProxy).toBe(2);
    expect(
      loadConfig({ ...base, AVISO_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,fd00::/8,loopback' }, '/nonexistent').trustProxy,
    ).toEqual(['10.0.0.0/8', '192.0.2.7', 'fd00::/8', 'loopback']);
    expect(() => loadConfig({ ...base, AVISO_TRUST_PROXY: 'true' }, '/nonexistent')).toThrow(
      /^AVISO_TRUST_PROXY: trusting every address/,
    );
    for (const bad of ['0.0.0.0/0', '::/0', '10.0.0.0/33', 'proxy.example.fi', '11'])
      expect(parseTrustProxy(bad), bad).toEqual(expect.any(String));
  });
});

describeEachDatabase(
  'forged X-Forwarded-For behind trusted proxies (10.0.0.0/8)',
  (t) => {
    it('counts the right-most untrusted hop, whatever is forged to its left', async () => {
      const { app, context } = t();
      const tenant = await context.tenants.updateSettings(await buildTown(context), { pinsPerIpPerHour: 2 });
      // Through two of our proxies, for the client 198.51.100.7: the forged entries vary, the client does not.
      expect(await forgedRequests(app, tenant.slug, '10.0.0.2', ', 198.51.100.7, 10.0.0.1')).toEqual([
        202, 202, 429, 429, 429,
      ]);
      // Straight from a client that is no proxy of ours: its header is not believed at all.
      expect(await forgedRequests(app, tenant.slug, '198.51.100.8', '')).toEqual([202, 202, 429, 429, 429]);
    });
  },
  { trustProxy: ['10.0.0.0/8'] },
);

describeEachDatabase(
  'forged X-Forwarded-For behind one proxy (a hop count of 1)',
  (t) => {
    it('takes the hop the proxy added, not what the client wrote', async () => {
      const { app, context } = t();
      const tenant = await context.tenants.updateSettings(await buildTown(context), { pinsPerIpPerHour: 2 });
      expect(await forgedRequests(app, tenant.slug, '127.0.0.1', ', 198.51.100.9')).toEqual([202, 202, 429, 429, 429]);
    });
  },
  { trustProxy: 1 },
);
