/**
 * Retention with the clock moved on, on both databases: a message older than the tenant's months keeps
 * only its counts (in the audit log), a younger one keeps everything; the dev inbox, expired PINs and
 * sessions and old audit entries go after their periods; a tenant's longer setting keeps its data.
 * Inbound replies go after `repliesRetentionMonths`, by when they came; expired PINs and sessions and old
 * rate-limit windows go too, and every delete is a statement of at most the batch's rows.
 */
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  UnknownRow,
} from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { retentionRepository } from '../../src/modules/ops/retention.repository.js';
import { retentionService } from '../../src/modules/ops/retention.service.js';
import { describeEachDatabase } from '../app.js';
import { addPerson, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { newId } from '../../src/lib/ids.js';

const T0 = Date.parse('2025-01-15T10:00:00Z');
const at = (isoDate: string) => Date.parse(`${isoDate}T10:00:00Z`);

describeEachDatabase('retention', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  let oldMessage: string;
  let newMessage: string;
  const db = () => t().context.db.kysely;
  const count = async (
    table: 'deliveries' | 'incident_recipients' | 'inbox_messages' | 'pins' | 'sessions',
    where?: { column: 'message_id'; value: string },
  ) => {
    let query = db()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) query = query.where(where.column as never, '=', where.value as never);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };

  async function send(title: string): Promise<string> {
    const post = (url: string, payload: object) =>
      t().app.inject({ method: 'POST', url: `/api/t/${tenant.slug}${url}`, headers: auth, payload });
    const incident = await post('/incidents', {
      service: 'water',
      kind: 'sudden',
      title,
      area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012),
    });
    expect(incident.statusCode, incident.body).toBe(201);
    const message = await post(`/incidents/${incident.json().id}/messages`, { texts: { fi: 'Vesikatko {address}' } });
    expect(message.statusCode, message.body).toBe(201);
    await t().context.dispatch.runtime.drain();
    return message.json().id as string;
  }

  beforeAll(async () => {
    const { context, clock } = t();
    clock.set(T0);
    tenant = await buildTown(context);
    auth = await tokenHeaders(context, tenant, 'admin');
    for (let n = 1; n <= 3; n++)
      await addPerson(context, tenant, {
        endpoints: [{ type: 'mobile', value: `+35840100000${n}` }],
        addresses: [`kk-${n}`],
      });
    oldMessage = await send('Putkirikko');
    // A PIN (expires in minutes) and its inbox message.
    expect(
      (
        await t().app.inject({
          method: 'POST',
          url: `/api/t/${tenant.slug}/login/pin`,
          payload: { phone: '+358401000001' },
        })
      ).statusCode,
    ).toBe(202);
    clock.set(at('2026-01-10'));
    newMessage = await send('Venttiilityö');
  });

  it('keeps everything while the tenant says so', async () => {
    const { app, clock, context } = t();
    const longer = await app.inject({
      method: 'PATCH',
      url: `/api/t/${tenant.slug}/settings`,
      headers: auth,
      payload: { retentionMonths: 24 },
    });
    expect(longer.statusCode, longer.body).toBe(200);
    clock.set(at('2026-02-20'));
    const report = await context.retention.runOnce();
    expect(report).toMatchObject({ messagesReduced: 0, deliveries: 0, recipients: 0, pins: 1 });
    expect(await count('deliveries', { column: 'message_id', value: oldMessage })).toBe(3);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/t/${tenant.slug}/settings`,
          headers: auth,
          payload: { retentionMonths: 13 },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('reduces a message older than retentionMonths to counts, keeps a younger one whole', async () => {
    const { context, clock } = t();
    clock.set(at('2026-02-20')); // 13 months and 5 days after the first send
    const report = await context.retention.runOnce();
    expect(report).toMatchObject({ messagesReduced: 1, deliveries: 3, recipients: 3 });
    expect(await count('deliveries', { column: 'message_id', value: oldMessage })).toBe(0);
    expect(await count('deliveries', { column: 'message_id', value: newMessage })).toBe(3);
    expect(await count('incident_recipients')).toBe(3);
    expect(await count('pins')).toBe(0);
    // Every inbox message is older than 7 days by now.
    expect(await count('inbox_messages')).toBe(0);
    const kept = await db()
      .selectFrom('audit_log')
      .select(['detail', 'actor_type'])
      .where('action', '=', 'message.retention')
      .where('subject_id', '=', oldMessage)
      .execute();
    expect(kept).toHaveLength(1);
    expect(kept[0]!.actor_type).toBe('system');
    expect(JSON.parse(kept[0]!.detail!)).toMatchObject({ counts: { sms: { delivered: 3 } }, retentionMonths: 13 });
    expect(
      await db().selectFrom('messages').select('id').where('id', '=', oldMessage).executeTakeFirst(),
    ).toBeDefined();
    // A second run finds nothing more to do.
    expect(await context.retention.runOnce()).toMatchObject({
      messagesReduced: 0,
      deliveries: 0,
      recipients: 0,
      inbox: 0,
    });
  });

  it('deletes audit entries after auditRetentionYears, in batches', async () => {
    const { context, clock } = t();
    // Two rows per statement: every delete loop runs several rounds.
    const retention = retentionService({
      repo: retentionRepository(db(), 2),
      listTenants: () => context.tenants.listTenants(),
      audit: context.audit,
      clock,
    });
    const auditAt = async () =>
      (await db().selectFrom('audit_log').select('at').where('tenant_id', '=', tenant.id).execute()).map((r) => r.at);
    const fiveYearsOld = (await auditAt()).filter((a) => a < at('2025-01-16'));
    expect(fiveYearsOld.length).toBeGreaterThan(0);
    clock.set(at('2030-01-16'));
    const report = await retention.runOnce();
    expect(report.audit).toBe(fiveYearsOld.length);
    expect((await auditAt()).every((a) => a >= at('2025-01-16'))).toBe(true);
    // The younger message is older than 13 months by now, too: its counts are in an entry of this run.
    expect(report).toMatchObject({ messagesReduced: 1, deliveries: 3, recipients: 3 });
    expect(await count('deliveries')).toBe(0);
  });
});

/** Records the rows each DELETE statement took (to see that retention deletes in batches). */
function deleteSizes(): KyselyPlugin & { sizes: number[] } {
  const deletes = new WeakSet<object>();
  const sizes: number[] = [];
  return {
    sizes,
    transformQuery(args: PluginTransformQueryArgs) {
      if (args.node.kind === 'DeleteQueryNode') deletes.add(args.queryId);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (deletes.has(args.queryId)) sizes.push(Number(args.result.numAffectedRows ?? 0));
      return args.result;
    },
  };
}

describeEachDatabase('retention of replies, sessions, PINs and rate limits', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  const db = () => t().context.db.kysely;
  const MONTH = 30 * 86_400_000;

  beforeAll(async () => {
    const { context, clock } = t();
    clock.set(T0);
    tenant = await buildTown(context);
    auth = await tokenHeaders(context, tenant, 'admin');
  });

  async function addReply(receivedAt: number, text: string): Promise<void> {
    await db()
      .insertInto('sms_replies')
      .values({
        id: newId(),
        tenant_id: tenant.id,
        incident_id: null,
        message_id: null,
        from_number: '+358401000001',
        text,
        provider: 'inbox',
        received_at: receivedAt,
      })
      .execute();
  }

  /** `n` rows each of sessions, PINs and rate-limit windows, all expiring (or starting) at `at`. */
  async function addExpiring(n: number, at: number, tag: string): Promise<void> {
    const ids = Array.from({ length: n }, (_, i) => `${tag}-${i}`);
    await db()
      .insertInto('sessions')
      .values(
        ids.map((id) => ({
          id,
          tenant_id: tenant.id,
          subject_type: 'resident' as const,
          subject_id: 'r',
          csrf_token: 'c',
          created_at: at - 1000,
          last_seen_at: at - 1000,
          expires_at: at,
          data: null,
        })),
      )
      .execute();
    await db()
      .insertInto('pins')
      .values(
        ids.map((id) => ({
          id,
          tenant_id: tenant.id,
          purpose: 'login' as const,
          subject: id,
          code_hash: 'h',
          attempts: 0,
          created_at: at - 1000,
          expires_at: at,
        })),
      )
      .execute();
    // Windows of one start share it, as the real ones do.
    await db()
      .insertInto('rate_counters')
      .values(ids.map((id) => ({ key: `pin:ip:${id}`, window_start: at, count: 1 })))
      .execute();
  }

  const remaining = async () => ({
    replies: (await db().selectFrom('sms_replies').select('text').orderBy('text').execute()).map((r) => r.text),
    sessions: (await db().selectFrom('sessions').select('id').execute()).map((r) => r.id.split('-')[0]).sort(),
    pins: (await db().selectFrom('pins').select('id').execute()).map((r) => r.id.split('-')[0]).sort(),
    rateCounters: (await db().selectFrom('rate_counters').select('key').execute())
      .map((r) => r.key.split(':')[2]!.split('-')[0])
      .sort(),
  });

  it('deletes replies after repliesRetentionMonths (13 by default, the tenant may set fewer), by when they came', async () => {
    const { app, clock, context } = t();
    await addReply(T0, 'old');
    await addReply(T0 + 8 * MONTH, 'eight months younger');
    await addReply(T0 + 12 * MONTH, 'a year younger');
    clock.set(at('2026-02-20')); // 13 months and 5 days after the first
    expect((await context.retention.runOnce()).replies).toBe(1);
    expect((await remaining()).replies).toEqual(['a year younger', 'eight months younger']);

    const view = await app.inject({ url: `/api/t/${tenant.slug}/settings`, headers: auth });
    expect(view.json().repliesRetentionMonths).toBe(13);
    const shorter = await app.inject({
      method: 'PATCH',
      url: `/api/t/${tenant.slug}/settings`,
      headers: auth,
      payload: { repliesRetentionMonths: 3 },
    });
    expect(shorter.statusCode, shorter.body).toBe(200);
    expect(shorter.json().repliesRetentionMonths).toBe(3);
    expect((await context.retention.runOnce()).replies).toBe(1);
    expect((await remaining()).replies).toEqual(['a year younger']);
    const bad = await app.inject({
      method: 'PATCH',
      url: `/api/t/${tenant.slug}/settings`,
      headers: auth,
      payload: { repliesRetentionMonths: 0 },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('deletes expired sessions and PINs and day-old rate-limit windows, in statements of the batch, keeping the live ones', async () => {
    const { context, clock } = t();
    const now = at('2026-03-01');
    clock.set(now);
    await addExpiring(7, now - 86_400_000 - 1, 'old');
    await addExpiring(3, now + 60_000, 'live');
    const plugin = deleteSizes();
    const retention = retentionService({
      repo: retentionRepository(db().withPlugin(plugin), 2),
      listTenants: () => context.tenants.listTenants(),
      audit: context.audit,
      clock,
    });
    const report = await retention.runOnce();
    expect(report).toMatchObject({ pins: 7, sessions: 7, rateCounters: 7 });
    expect(plugin.sizes.length).toBeGreaterThan(0);
    expect(Math.max(...plugin.sizes)).toBeLessThanOrEqual(2);
    const left = await remaining();
    expect(left).toMatchObject({
      sessions: ['live', 'live', 'live'],
      pins: ['live', 'live', 'live'],
      rateCounters: ['live', 'live', 'live'],
    });
  });
});
