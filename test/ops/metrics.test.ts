/**
 * GET /metrics scraped and parsed while a message is being sent (queued, then delivered), the request and
 * PIN counters, the token; GET /readyz with its reasons; on both databases.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { addPerson, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { logIn } from '../residents/resident-client.js';
import { parsePrometheus, valueOf } from './prometheus-text.js';

const TOKEN = 'metrics-token-metrics-token-0123';

describeEachDatabase(
  'metrics and readiness',
  (t) => {
    let tenant: Tenant;
    let auth: Record<string, string>;
    const scrape = async () => {
      const response = await t().app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      return parsePrometheus(response.body);
    };

    beforeAll(async () => {
      const { context } = t();
      tenant = await buildTown(context);
      auth = await tokenHeaders(context, tenant);
      for (let n = 1; n <= 5; n++)
        await addPerson(context, tenant, {
          endpoints: [{ type: 'mobile', value: `+35840100000${n}` }],
          addresses: [`kk-${n}`],
        });
      await addPerson(context, tenant, {
        endpoints: [{ type: 'email', value: 'eeva@example.fi' }],
        addresses: ['kk-6'],
      });
    });

    it('counts the faults beside any request or job, by kind', async () => {
      const before = await scrape();
      const queue = valueOf(before, 'aviso_background_faults_total', { kind: 'queue' }) ?? 0;
      t().context.db.faults.report('queue', new Error('maintenance failed'));
      t().context.db.faults.report('queue', new Error('maintenance failed again'));
      const after = await scrape();
      expect(valueOf(after, 'aviso_background_faults_total', { kind: 'queue' })).toBe(queue + 2);
    });

    it('refuses a scrape without the token', async () => {
      expect((await t().app.inject({ url: '/metrics' })).statusCode).toBe(401);
      expect((await t().app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(
        401,
      );
    });

    it('is not ready until the register indexes are built, then names every check', async () => {
      const before = await t().app.inject({ url: '/readyz' });
      expect(before.statusCode).toBe(503);
      const failing = before.json().checks.filter((c: { ok: boolean }) => !c.ok);
      expect(failing).toEqual([{ name: 'register-indexes', ok: false, detail: `not built yet: ${tenant.slug}` }]);
      await t().context.dispatch.warmRegisters();
      const after = await t().app.inject({ url: '/readyz' });
      expect(after.statusCode, after.body).toBe(200);
      expect(after.json().checks.map((c: { name: string }) => c.name)).toEqual([
        'database',
        'migrations',
        'register-indexes',
        'channel:sms',
        'channel:email',
        'channel:voice',
        'channel:push',
      ]);
      expect((await t().app.inject({ url: '/healthz' })).json().status).toBe('ok');
    });

    it('shows a send queued, then delivered, per channel and provider', async () => {
      const post = (url: string, payload: object) =>
        t().app.inject({ method: 'POST', url: `/api/t/${tenant.slug}${url}`, headers: auth, payload });
      const area = square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012);
      const incident = await post('/incidents', { service: 'water', kind: 'sudden', title: 'Putkirikko', area });
      expect(incident.statusCode, incident.body).toBe(201);
      const message = await post(`/incidents/${incident.json().id}/messages`, { texts: { fi: 'Vesikatko {address}' } });
      expect(message.statusCode, message.body).toBe(201);

      const during = await scrape();
      expect(valueOf(during, 'aviso_dispatch_queued_deliveries', { tenant: tenant.slug, channel: 'sms' })).toBe(5);
      expect(valueOf(during, 'aviso_dispatch_queued_deliveries', { tenant: tenant.slug, channel: 'email' })).toBe(1);
      expect(
        valueOf(during, 'aviso_dispatch_oldest_queued_seconds', { tenant: tenant.slug, channel: 'sms' }),
      ).toBeGreaterThanOrEqual(0);
      expect(valueOf(during, 'aviso_dispatch_pending_batches')).toBeGreaterThanOrEqual(1);
      expect(
        valueOf(during, 'aviso_messages_total', { channel: 'sms', provider: 'inbox', outcome: 'delivered' }),
      ).toBeUndefined();
      expect(valueOf(during, 'aviso_register_revision_lag', { tenant: tenant.slug })).toBe(0);
      expect(valueOf(during, 'aviso_readiness_check', { check: 'database' })).toBe(1);
      expect(valueOf(during, 'aviso_readiness_check', { check: 'channel:sms' })).toBe(1);

      await t().context.dispatch.runtime.drain();
      const after = await scrape();
      expect(
        valueOf(after, 'aviso_dispatch_queued_deliveries', { tenant: tenant.slug, channel: 'sms' }),
      ).toBeUndefined();
      expect(valueOf(after, 'aviso_dispatch_pending_batches')).toBe(0);
      expect(valueOf(after, 'aviso_messages_total', { channel: 'sms', provider: 'inbox', outcome: 'delivered' })).toBe(
        5,
      );
      expect(
        valueOf(after, 'aviso_messages_total', { channel: 'email', provider: 'inbox', outcome: 'delivered' }),
      ).toBe(1);
      const route = { method: 'POST', route: '/api/t/:tenant/incidents/:id/messages', status: '2xx' };
      expect(valueOf(after, 'aviso_http_request_duration_seconds_count', route)).toBe(1);
      expect(valueOf(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    });

    it('counts PIN requests and refusals by reason', async () => {
      const ask = () =>
        t().app.inject({ method: 'POST', url: `/api/t/${tenant.slug}/login/pin`, payload: { phone: '+358401000001' } });
      expect((await ask()).statusCode).toBe(202);
      expect((await ask()).statusCode).toBe(429);
      const samples = await scrape();
      expect(valueOf(samples, 'aviso_pin_requests_total', { outcome: 'sent' })).toBe(1);
      expect(valueOf(samples, 'aviso_pin_requests_total', { outcome: 'pin-cooldown' })).toBe(1);
      // The PIN went out through the same provider counters.
      expect(
        valueOf(samples, 'aviso_messages_total', { channel: 'sms', provider: 'inbox', outcome: 'delivered' }),
      ).toBe(6);
    });

    it('shows the PIN budgets as the PIN issue counts them, and counts verification PINs', async () => {
      const budget = async () =>
        (await t().app.inject({ url: `/api/t/${tenant.slug}/pin-budget`, headers: auth })).json();
      const before = await scrape();
      const sentBefore = valueOf(before, 'aviso_pin_requests_total', { outcome: 'sent' }) ?? 0;
      const me = await logIn(t().app, tenant.slug, { phone: '+358401000002' }, '+358401000002', '10.9.0.1');
      const added = await me.call('POST', '/me/endpoints', { value: '+358401000009' });
      expect(added.statusCode, added.body).toBe(201);
      // The earlier test's PIN, this login's and the added number's.
      const expected = await budget();
      expect(expected.tenant.hour.count).toBe(3);
      const samples = await scrape();
      const gauge = (name: string, labels: Record<string, string>) => valueOf(samples, name, labels);
      for (const window of ['hour', 'day'] as const) {
        const labels = { scope: 'tenant', tenant: tenant.slug, window };
        expect(gauge('aviso_pin_budget_used', labels)).toBe(expected.tenant[window].count);
        expect(gauge('aviso_pin_budget_limit', labels)).toBe(expected.tenant[window].limit);
        expect(gauge('aviso_pin_budget_used', { scope: 'global', window })).toBe(expected.global[window].count);
        expect(gauge('aviso_pin_budget_limit', { scope: 'global', window })).toBe(expected.global[window].limit);
      }
      expect(gauge('aviso_pin_voice_paused', { tenant: tenant.slug })).toBe(0);
      // The login PIN and the added number's PIN, both sent.
      expect(gauge('aviso_pin_requests_total', { outcome: 'sent' })).toBe(sentBefore + 2);
    });

    it('reports the PostgreSQL pools (SQLite has none)', async () => {
      const samples = await scrape();
      const open = valueOf(samples, 'aviso_db_pool_connections_max', { pool: 'main' });
      expect(open).toBe(t().kind === 'postgres' ? 5 : undefined);
    });
  },
  { metrics: { mode: 'token', token: TOKEN } },
);
