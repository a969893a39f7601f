/**
 * The register change log is kept by the database: each of the four register tables written directly
 * with SQL — no repository, nothing calling the change log — and the next preview, whose register index
 * was current just before, sees the write. Also: an import's bulk write logs one change, not one per row.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { square } from '../factories.js';
import { addressIdOf, buildTown, CENTER } from '../residents/resident-client.js';

describeEachDatabase('register change log kept by triggers', (t) => {
  let tenant: Tenant;
  let auth: { authorization: string };
  let incidentId: string;
  let addressId: string;
  const contactId = newId();
  const endpointId = newId();
  const linkId = newId();

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    auth = {
      authorization: `Bearer ${(await t().context.operators.createToken(tenant, { name: 'log', role: 'operator' }, null)).token}`,
    };
    const created = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents`,
      headers: auth,
      payload: { service: 'water', kind: 'sudden', title: 'Burst pipe', area: square(CENTER.lon, CENTER.lat, 0.01) },
    });
    expect(created.statusCode, created.body).toBe(201);
    incidentId = created.json().id;
    addressId = await addressIdOf(t().context, tenant, 'kk-1');
  });

  async function preview(): Promise<{
    contacts: number;
    endpoints: { sms: number; voice: number };
    excluded: Record<string, number>;
  }> {
    const answer = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents/${incidentId}/preview`,
      headers: auth,
      payload: {},
    });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json();
  }
  const run = (statement: ReturnType<typeof sql>) => statement.execute(t().context.db.kysely);
  const now = Date.now();

  it('contact_addresses: a link inserted with SQL reaches the next preview', async () => {
    expect((await preview()).contacts).toBe(0);
    // The contact and its number first: without a link they change no preview.
    await run(sql`insert into contacts (id, tenant_id, kind, source, language, name_hidden, priority, created_at, updated_at)
      values (${contactId}, ${tenant.id}, 'person', 'self', 'fi', 0, 0, ${now}, ${now})`);
    await run(sql`insert into contact_endpoints (id, tenant_id, contact_id, type, value, source, verified, created_at, updated_at)
      values (${endpointId}, ${tenant.id}, ${contactId}, 'mobile', '+358401110001', 'self', 1, ${now}, ${now})`);
    expect((await preview()).contacts).toBe(0);
    await run(sql`insert into contact_addresses (id, tenant_id, contact_id, address_id, role, source, active, created_at, updated_at)
      values (${linkId}, ${tenant.id}, ${contactId}, ${addressId}, 'main', 'self', 1, ${now}, ${now})`);
    expect(await preview()).toMatchObject({ contacts: 1, endpoints: { sms: 1, voice: 0 } });
  });

  it('contact_endpoints: a number updated with SQL reaches the next preview', async () => {
    await run(sql`update contact_endpoints set type = 'landline', value = '+35833111001' where id = ${endpointId}`);
    expect(await preview()).toMatchObject({ contacts: 1, endpoints: { sms: 0, voice: 1 } });
  });

  it('contacts: a contact updated with SQL reaches the next preview', async () => {
    await run(
      sql`update contacts set source = 'register', birth_date = ${`${new Date().getUTCFullYear() - 10}-01-01`} where id = ${contactId}`,
    );
    const seen = await preview();
    expect(seen.contacts).toBe(0);
    expect(seen.excluded['under-16']).toBe(1);
  });

  it('addresses: an address moved with SQL reaches the next preview', async () => {
    await run(sql`update contacts set source = 'self', birth_date = null where id = ${contactId}`);
    expect((await preview()).contacts).toBe(1);
    await run(sql`update addresses set lat = lat + 0.5 where id = ${addressId}`);
    expect((await preview()).contacts).toBe(0);
  });

  it('deletes reach the next preview too; a bulk write logs one change however many rows it wrote', async () => {
    await run(sql`update addresses set lat = lat - 0.5 where id = ${addressId}`);
    expect((await preview()).contacts).toBe(1);
    await run(sql`delete from contact_addresses where id = ${linkId}`);
    expect((await preview()).contacts).toBe(0);
    const revision = async () =>
      t()
        .context.db.kysely.selectFrom('register_revisions')
        .select('revision')
        .where('tenant_id', '=', tenant.id)
        .executeTakeFirstOrThrow();
    const before = Number((await revision()).revision);
    const { bulkRegisterWrite } = await import('../../src/modules/register/change-log.repository.js');
    await t()
      .context.db.kysely.transaction()
      .execute((trx) =>
        bulkRegisterWrite(trx, tenant.id, async () => {
          for (let i = 0; i < 50; i++) {
            await sql`insert into contacts (id, tenant_id, kind, source, language, name_hidden, priority, created_at, updated_at)
            values (${newId()}, ${tenant.id}, 'person', 'self', 'fi', 0, 0, ${now}, ${now})`.execute(trx);
          }
        }),
      );
    expect(Number((await revision()).revision)).toBe(before + 1);
    const last = await t()
      .context.db.kysely.selectFrom('register_changes')
      .select('contact_id')
      .where('tenant_id', '=', tenant.id)
      .orderBy('revision', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.contact_id).toBeNull();
  });
});
