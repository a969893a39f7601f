/**
 * Drafts: the console's unsaved work is a draft incident, and a discarded draft goes away. Only a draft
 * that nothing was sent or scheduled for can be deleted; an open incident, or one with a message, stays.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';

describeEachDatabase('incident drafts', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  const url = (path = '') => `/api/t/${tenant.slug}/incidents${path}`;
  const create = async (status: 'draft' | 'active') => {
    const answer = await t().app.inject({
      method: 'POST',
      url: url(),
      headers: auth,
      payload: {
        service: 'water',
        kind: 'sudden',
        title: 'Luonnos',
        status,
        area: square(CENTER.lon, CENTER.lat, 0.01),
      },
    });
    expect(answer.statusCode, answer.body).toBe(201);
    return answer.json().id as string;
  };
  const remove = (id: string, headers = auth) => t().app.inject({ method: 'DELETE', url: url(`/${id}`), headers });

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    auth = await tokenHeaders(t().context, tenant);
  });

  it('deletes a draft, audited, and it is gone from the list', async () => {
    const id = await create('draft');
    expect((await remove(id)).statusCode).toBe(204);
    expect((await t().app.inject({ url: url(`/${id}`), headers: auth })).statusCode).toBe(404);
    const listed = (await t().app.inject({ url: url(), headers: auth })).json().items as Array<{ id: string }>;
    expect(listed.map((i) => i.id)).not.toContain(id);
    const audit = await t()
      .context.db.kysely.selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', tenant.id)
      .where('subject_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('incident.delete');
  });

  it('keeps an open incident, a draft with a scheduled message, and refuses a viewer', async () => {
    const open = await create('active');
    expect((await remove(open)).json()).toMatchObject({
      status: 409,
      code: 'incident-not-draft',
      errors: [{ field: 'id', code: 'incident-not-draft' }],
    });
    const scheduled = await create('draft');
    const sendAt = new Date(t().clock.now() + 86_400_000).toISOString();
    const message = await t().app.inject({
      method: 'POST',
      url: url(`/${scheduled}/messages`),
      headers: auth,
      payload: { kind: 'alert', texts: { fi: 'Huomenna' }, sendAt },
    });
    expect(message.statusCode, message.body).toBe(201);
    expect((await remove(scheduled)).statusCode).toBe(409);
    const draft = await create('draft');
    expect((await remove(draft, await tokenHeaders(t().context, tenant, 'viewer'))).statusCode).toBe(403);
    expect((await remove('no-such-id')).statusCode).toBe(404);
  });
});
