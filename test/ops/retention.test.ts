/**
 * Retention with the clock moved on, on both databases: a message older than the tenant's months keeps
 * only its counts (in the audit log), a younger one keeps everything; the dev inbox, expired PINs and
 * sessions and old audit entries go after their periods; a tenant's longer setting keeps its data.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { retentionRepository } from '../../src/modules/ops/retention.repository.js';
import { retentionService } from '../../src/modules/ops/retention.service.js';
import { describeEachDatabase } from '../app.js';
import { addPerson, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';

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
