/**
 * Residents for operators (`/api/t/{tenant}/residents…`): search by name, number (national or E.164),
 * email, address and business id; every read audited without the numbers or the search text; viewers
 * read but do not change; operators switch alerts and delete; another tenant's operator sees nothing.
 */
import { expect, it } from 'vitest';
import type { Updateable } from 'kysely';
import type { Context } from '../../src/context.js';
import type { ContactsTable } from '../../src/db/schema.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { addPerson, buildTown, tokenHeaders } from '../dispatch/fixtures.js';
import { buildTenant, square } from '../factories.js';

const PASSWORD = 'correct horse battery staple';

async function rename(context: Context, id: string, names: Updateable<ContactsTable>) {
  await context.db.kysely.updateTable('contacts').set(names).where('id', '=', id).execute();
}

async function auditRows(context: Context, tenant: Tenant) {
  return context.db.kysely
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .orderBy('at')
    .execute();
}

describeEachDatabase('residents for operators', (t) => {
  async function town() {
    const { context } = t();
    const tenant = await buildTown(context);
    const aino = await addPerson(context, tenant, {
      source: 'register',
      endpoints: [{ type: 'mobile', value: '+358401110001' }],
      addresses: ['kk-3', { id: 'pk-5', active: false }],
    });
    await rename(context, aino, { first_name: 'Aino', last_name: 'Äijälä' });
    const bo = await addPerson(context, tenant, {
      endpoints: [
        { type: 'email', value: 'bo.berg@example.fi' },
        { type: 'landline', value: '+35831234567' },
      ],
      addresses: ['kk-4'],
    });
    await rename(context, bo, { first_name: 'Bo', last_name: 'Berg' });
    const firm = await addPerson(context, tenant, {
      kind: 'company',
      endpoints: [{ type: 'mobile', value: '+358401110003' }],
      addresses: ['pk-7'],
    });
    await rename(context, firm, {
      first_name: null,
      last_name: null,
      company_name: 'Vesihuolto Oy',
      business_id: '0737546-2',
    });
    const hidden = await addPerson(context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401110004' }],
      addresses: ['kk-9'],
    });
    await rename(context, hidden, { first_name: 'Salli', last_name: 'Salainen', name_hidden: 1 });
    return {
      tenant,
      aino,
      bo,
      firm,
      hidden,
      viewer: await tokenHeaders(context, tenant, 'viewer'),
      operator: await tokenHeaders(context, tenant, 'operator'),
    };
  }

  const searchIds = async (tenant: Tenant, headers: Record<string, string>, q: string): Promise<string[]> => {
    const answer = await t().app.inject({ url: `/api/t/${tenant.slug}/residents?q=${encodeURIComponent(q)}`, headers });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json().items.map((r: { id: string }) => r.id);
  };

  it('finds residents by name, number in any form, email, address text and business id', async () => {
    const { tenant, aino, bo, firm, hidden, viewer } = await town();
    expect(await searchIds(tenant, viewer, 'aino')).toEqual([aino]);
    expect(await searchIds(tenant, viewer, 'Äijälä')).toEqual([aino]);
    expect(await searchIds(tenant, viewer, 'äijälä aino')).toEqual([aino]);
    expect(await searchIds(tenant, viewer, 'berg')).toEqual([bo]);
    expect(await searchIds(tenant, viewer, '040 111 0001')).toEqual([aino]);
    expect(await searchIds(tenant, viewer, '+358401110001')).toEqual([aino]);
    expect(await searchIds(tenant, viewer, '(03) 123 4567')).toEqual([bo]);
    expect(await searchIds(tenant, viewer, 'Bo.Berg@Example.fi')).toEqual([bo]);
    expect(await searchIds(tenant, viewer, 'Koulukatu 3')).toEqual([aino]);
    // The deactivated address finds its resident too (to switch it back on).
    expect(await searchIds(tenant, viewer, 'Parkgatan 5')).toEqual([aino]);
    expect(await searchIds(tenant, viewer, '0737546-2')).toEqual([firm]);
    expect(await searchIds(tenant, viewer, 'vesihuolto')).toEqual([firm]);
    // LIKE wildcards are matched as themselves.
    expect(await searchIds(tenant, viewer, 'ai_o')).toEqual([]);
    expect(await searchIds(tenant, viewer, 'a%o')).toEqual([]);
    // A hidden name is not searched and not shown; the address still finds the resident.
    expect(await searchIds(tenant, viewer, 'salainen')).toEqual([]);
    const byAddress = (
      await t().app.inject({ url: `/api/t/${tenant.slug}/residents?q=Koulukatu%209`, headers: viewer })
    ).json().items;
    expect(byAddress).toEqual([expect.objectContaining({ id: hidden, name: null, nameHidden: true })]);

    const row = (await t().app.inject({ url: `/api/t/${tenant.slug}/residents?q=aino`, headers: viewer })).json()
      .items[0];
    expect(row).toMatchObject({
      name: 'Aino Äijälä',
      source: 'register',
      endpoints: [{ type: 'mobile', value: '+358401110001', verified: true }],
      addresses: [
        { label: 'Koulukatu 3, 35800 Mänttä', active: true, role: 'main' },
        { label: 'Puistokatu 5, 35820 Mänttä', active: false, role: 'extra' },
      ],
    });
    const tooShort = await t().app.inject({ url: `/api/t/${tenant.slug}/residents?q=a`, headers: viewer });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().errors[0].field).toBe('q');
  });

  it('writes every read to the audit log: who, which residents, never the numbers or the search text', async () => {
    const { context } = t();
    const { tenant, aino, viewer } = await town();
    const before = (await auditRows(context, tenant)).length;
    await searchIds(tenant, viewer, '0401110001');
    const viewed = await t().app.inject({ url: `/api/t/${tenant.slug}/residents/${aino}`, headers: viewer });
    expect(viewed.statusCode).toBe(200);
    expect(viewed.json()).toMatchObject({ id: aino, name: 'Aino Äijälä' });
    const token = await context.db.kysely
      .selectFrom('api_tokens')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .where('role', '=', 'viewer')
      .executeTakeFirstOrThrow();
    const rows = (await auditRows(context, tenant)).slice(before);
    expect(rows.map((r) => [r.action, r.actor_type, r.actor_id, r.subject_id])).toEqual(
      expect.arrayContaining([
        ['residents.search', 'token', token.id, null],
        ['resident.read', 'token', token.id, aino],
        ['resident.read', 'token', token.id, aino],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(JSON.parse(rows.find((r) => r.action === 'residents.search')!.detail!)).toEqual({
      results: 1,
      matchedBy: ['endpoint'],
    });
    const text = JSON.stringify(rows);
    for (const secret of ['0401110001', '+358401110001', 'Aino', 'Äijälä']) expect(text).not.toContain(secret);
  });

  it('lets a viewer read but not change; an operator switches alerts off and on and deletes', async () => {
    const { context } = t();
    const { tenant, aino, viewer, operator } = await town();
    const row = (await t().app.inject({ url: `/api/t/${tenant.slug}/residents/${aino}`, headers: viewer })).json();
    const main = row.addresses[0].id;
    const url = `/api/t/${tenant.slug}/residents/${aino}/addresses/${main}`;

    const denied = [
      await t().app.inject({ method: 'PATCH', url, headers: viewer, payload: { active: false } }),
      await t().app.inject({ method: 'DELETE', url: `/api/t/${tenant.slug}/residents/${aino}`, headers: viewer }),
    ];
    for (const answer of denied)
      expect(answer.json()).toMatchObject({ status: 403, code: 'role-needed', params: { role: 'operator' } });

    const off = await t().app.inject({ method: 'PATCH', url, headers: operator, payload: { active: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ id: main, active: false });
    // A public-register resident with every address off is opted out of the next register import.
    expect(
      await context.db.kysely
        .selectFrom('suppressions')
        .select('endpoint_hash')
        .where('tenant_id', '=', tenant.id)
        .execute(),
    ).toHaveLength(1);
    const on = await t().app.inject({ method: 'PATCH', url, headers: operator, payload: { active: true } });
    expect(on.json()).toMatchObject({ active: true });
    expect(
      await context.db.kysely
        .selectFrom('suppressions')
        .select('endpoint_hash')
        .where('tenant_id', '=', tenant.id)
        .execute(),
    ).toHaveLength(0);
    const bad = await t().app.inject({ method: 'PATCH', url, headers: operator, payload: { active: 'no' } });
    expect(bad.json().errors[0].field).toBe('active');
    expect(
      (
        await t().app.inject({
          method: 'PATCH',
          url: `/api/t/${tenant.slug}/residents/${aino}/addresses/nope`,
          headers: operator,
          payload: { active: true },
        })
      ).statusCode,
    ).toBe(404);

    const deleted = await t().app.inject({
      method: 'DELETE',
      url: `/api/t/${tenant.slug}/residents/${aino}`,
      headers: operator,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await t().app.inject({ url: `/api/t/${tenant.slug}/residents/${aino}`, headers: viewer })).statusCode).toBe(
      404,
    );
    expect(await searchIds(tenant, viewer, 'aino')).toEqual([]);
    expect(
      await context.db.kysely
        .selectFrom('suppressions')
        .select('endpoint_hash')
        .where('tenant_id', '=', tenant.id)
        .execute(),
    ).toHaveLength(1);
    const actions = (await auditRows(context, tenant)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['address.update', 'resident.delete']));
  });

  it('works with an operator session: a viewer account reads, changes need the operator role and the CSRF header', async () => {
    const { context, app } = t();
    const { tenant, aino } = await town();
    await context.operators.createOperator(
      tenant,
      { email: 'katsoja@example.fi', role: 'viewer', password: PASSWORD },
      null,
    );
    await context.operators.createOperator(
      tenant,
      { email: 'operaattori@example.fi', role: 'operator', password: PASSWORD },
      null,
    );
    const session = async (email: string) => {
      const answer = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/operators/login`,
        payload: { email, password: PASSWORD },
      });
      return {
        cookies: { aviso_session: answer.cookies.find((c) => c.name === 'aviso_session')!.value },
        csrf: answer.json().csrfToken as string,
        id: answer.json().operator.id as string,
      };
    };
    const viewer = await session('katsoja@example.fi');
    const found = await app.inject({ url: `/api/t/${tenant.slug}/residents?q=aino`, cookies: viewer.cookies });
    expect(found.json().items).toHaveLength(1);
    const read = await context.db.kysely
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id'])
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'resident.read')
      .executeTakeFirstOrThrow();
    expect(read).toEqual({ actor_type: 'operator', actor_id: viewer.id });
    const del = (s: { cookies: Record<string, string>; csrf: string }, csrf = true) =>
      app.inject({
        method: 'DELETE',
        url: `/api/t/${tenant.slug}/residents/${aino}`,
        cookies: s.cookies,
        headers: csrf ? { 'x-csrf-token': s.csrf } : {},
      });
    expect((await del(viewer)).statusCode).toBe(403);
    const operator = await session('operaattori@example.fi');
    expect((await del(operator, false)).statusCode).toBe(403);
    expect((await del(operator)).statusCode).toBe(204);
  });

  it("shows another tenant's operator nothing of this tenant", async () => {
    const { context, app } = t();
    const { tenant, aino, viewer } = await town();
    const other = await buildTenant(context, { serviceArea: square(27.0, 64.0, 0.1) });
    const otherOperator = await tokenHeaders(context, other, 'admin');
    const row = (await app.inject({ url: `/api/t/${tenant.slug}/residents/${aino}`, headers: viewer })).json();
    for (const q of ['aino', '0401110001', 'Koulukatu 3', '0737546-2'])
      expect(await searchIds(other, otherOperator, q)).toEqual([]);
    const attempts = [
      app.inject({ url: `/api/t/${other.slug}/residents/${aino}`, headers: otherOperator }),
      app.inject({
        method: 'PATCH',
        url: `/api/t/${other.slug}/residents/${aino}/addresses/${row.addresses[0].id}`,
        headers: otherOperator,
        payload: { active: false },
      }),
      app.inject({ method: 'DELETE', url: `/api/t/${other.slug}/residents/${aino}`, headers: otherOperator }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.statusCode).toBe(404);
      expect(answer.body).not.toContain('Aino');
    }
    // Its token is not valid on this tenant's URLs at all.
    const across = await app.inject({ url: `/api/t/${tenant.slug}/residents?q=aino`, headers: otherOperator });
    expect(across.statusCode).toBe(401);
    expect(across.body).not.toContain('Aino');
    const still = (await app.inject({ url: `/api/t/${tenant.slug}/residents/${aino}`, headers: viewer })).json();
    expect(still.addresses[0].active).toBe(true);
  });

  it('documents the routes in OpenAPI', async () => {
    const paths = (await t().app.inject({ url: '/api/openapi.json' })).json().paths;
    expect(paths['/api/t/{tenant}/residents'].get.summary).toMatch(/Search residents/);
    expect(paths['/api/t/{tenant}/residents/{id}'].get.summary).toBeTruthy();
    expect(paths['/api/t/{tenant}/residents/{id}'].delete.summary).toBeTruthy();
    expect(paths['/api/t/{tenant}/residents/{id}/addresses/{addressId}'].patch.summary).toBeTruthy();
  });
});
