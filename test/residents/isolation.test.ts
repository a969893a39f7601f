/**
 * Tenant isolation: a session of tenant A reads and writes nothing of tenant B (401 there, never data),
 * a PIN of A does not log in to B, B's address ids are unknown in A, and one resident cannot touch
 * another's rows by id (404).
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { nextPhone } from '../auth/phones.js';
import { addressIdOf, buildTown, logIn, readPin, requestPin, sessionFor, submitPin } from './resident-client.js';

describeEachDatabase('tenant isolation', (t) => {
  async function twoTowns() {
    const a = await buildTown(t().context, { center: { lon: 21.0, lat: 60.0 }, name: 'Town A' });
    const b = await buildTown(t().context, { center: { lon: 27.0, lat: 64.0 }, name: 'Town B' });
    return { a, b };
  }

  it('a session of tenant A gets 401 on every route of tenant B, and changes nothing there', async () => {
    const { app, context } = t();
    const { a, b } = await twoTowns();
    const phone = nextPhone();
    const inA = await logIn(app, a.slug, { phone: phone.national }, phone.e164, '10.60.0.1');
    await inA.call('POST', '/me', { kind: 'person', firstName: 'Anna', lastName: 'A' });
    const link = (await inA.call('POST', '/me/addresses', { addressId: await addressIdOf(context, a, 'kk-1') })).json()
      .address;
    const endpoint = (await inA.call('GET', '/me')).json().endpoints[0];

    const onB = sessionFor(app, b.slug, inA.cookie, inA.csrf);
    const attempts = [
      onB.call('GET', '/me'),
      onB.call('POST', '/me', { kind: 'person', firstName: 'Mallory', lastName: 'B' }),
      onB.call('PATCH', '/me', { nameHidden: true }),
      onB.call('GET', '/me/export'),
      onB.call('GET', '/me/history'),
      onB.call('POST', '/me/addresses', { addressId: await addressIdOf(context, b, 'kk-1') }),
      onB.call('PATCH', `/me/addresses/${link.id}`, { active: false }),
      onB.call('DELETE', `/me/addresses/${link.id}`),
      onB.call('POST', '/me/endpoints', { value: 'x@example.fi' }),
      onB.call('DELETE', `/me/endpoints/${endpoint.id}`),
      onB.call('DELETE', '/me'),
      onB.call('POST', '/logout'),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.statusCode, answer.body).toBe(401);
      expect(answer.body).not.toContain('Anna');
      expect(answer.body).not.toContain(phone.e164);
    }
    const bRows = await context.db.kysely.selectFrom('contacts').select('id').where('tenant_id', '=', b.id).execute();
    expect(bRows).toEqual([]);
    // …and A's data is untouched.
    const me = (await inA.call('GET', '/me')).json();
    expect(me.addresses).toEqual([expect.objectContaining({ id: link.id, active: true })]);
    expect(me.contact.nameHidden).toBe(false);
  });

  it('a PIN of tenant A does not log in to tenant B', async () => {
    const { app } = t();
    const { a, b } = await twoTowns();
    const phone = nextPhone();
    await requestPin(app, a.slug, { phone: phone.national }, '10.61.0.1');
    const pin = await readPin(app, phone.e164);
    expect((await submitPin(app, b.slug, { phone: phone.national, pin }, '10.61.0.1')).statusCode).toBe(400);
    expect((await submitPin(app, a.slug, { phone: phone.national, pin }, '10.61.0.1')).statusCode).toBe(200);
  });

  it('an address id of tenant B is no address in tenant A', async () => {
    const { app, context } = t();
    const { a, b } = await twoTowns();
    const phone = nextPhone();
    const inA = await logIn(app, a.slug, { phone: phone.national }, phone.e164, '10.62.0.1');
    await inA.call('POST', '/me', { kind: 'person', firstName: 'Anna', lastName: 'A' });
    const answer = await inA.call('POST', '/me/addresses', { addressId: await addressIdOf(context, b, 'kk-1') });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().errors[0].field).toBe('addressId');
  });

  it("one resident cannot touch another's addresses or numbers by id", async () => {
    const { app, context } = t();
    const { a } = await twoTowns();
    const [p1, p2] = [nextPhone(), nextPhone()];
    const first = await logIn(app, a.slug, { phone: p1.national }, p1.e164, '10.63.0.1');
    const second = await logIn(app, a.slug, { phone: p2.national }, p2.e164, '10.63.0.2');
    await first.call('POST', '/me', { kind: 'person', firstName: 'Anna', lastName: 'A' });
    await second.call('POST', '/me', { kind: 'person', firstName: 'Mallory', lastName: 'M' });
    const link = (
      await first.call('POST', '/me/addresses', { addressId: await addressIdOf(context, a, 'kk-1') })
    ).json().address;
    const endpoint = (await first.call('GET', '/me')).json().endpoints[0];
    for (const answer of [
      await second.call('PATCH', `/me/addresses/${link.id}`, { active: false }),
      await second.call('DELETE', `/me/addresses/${link.id}`),
      await second.call('POST', `/me/addresses/${link.id}/register-once`, { tenants: ['x'] }),
      await second.call('PATCH', `/me/endpoints/${endpoint.id}`, { type: 'landline' }),
      await second.call('DELETE', `/me/endpoints/${endpoint.id}`),
      await second.call('POST', `/me/endpoints/${endpoint.id}/verify`, { pin: '123456' }),
    ]) {
      expect(answer.statusCode, answer.body).toBe(404);
    }
    expect((await first.call('GET', '/me')).json().addresses[0].active).toBe(true);
  });
});
