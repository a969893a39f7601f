/**
 * The whole resident flow over HTTP, on both databases: PIN from the dev inbox, register, add
 * two addresses, deactivate one, add and verify a second number, export, delete.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { addressIdOf, buildTown, logIn, readPin } from './resident-client.js';

describeEachDatabase('resident flow', (t) => {
  it('PIN → register → two addresses → deactivate one → second number verified → export → delete', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);

    const session = await logIn(app, tenant.slug, { phone: '040 123 4567' }, '+358401234567');
    expect(session.login).toEqual({ known: false, registered: false });
    const before = (await session.call('GET', '/me')).json();
    expect(before).toMatchObject({
      contact: null,
      known: false,
      endpoints: [],
      addresses: [],
      csrfToken: session.csrf,
    });

    const registered = await session.call('POST', '/me', {
      kind: 'person',
      firstName: 'Anna',
      lastName: 'Virtanen',
      birthDate: '19800131',
      language: 'fi',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.json().contact).toMatchObject({
      kind: 'person',
      source: 'self',
      firstName: 'Anna',
      lastName: 'Virtanen',
      birthDate: '1980-01-31',
      language: 'fi',
      nameHidden: false,
    });
    expect(registered.json().endpoints).toEqual([
      expect.objectContaining({ type: 'mobile', value: '+358401234567', source: 'self', verified: true }),
    ]);

    const home = await session.call('POST', '/me/addresses', { addressId: await addressIdOf(context, tenant, 'kk-1') });
    expect(home.statusCode, home.body).toBe(201);
    expect(home.json().address).toMatchObject({
      role: 'main',
      active: true,
      source: 'self',
      address: { street: 'Koulukatu', number: '1' },
    });
    const cottage = await session.call('POST', '/me/addresses', {
      addressId: await addressIdOf(context, tenant, 'kk-3'),
      role: 'extra',
      label: 'Mökki',
    });
    expect(cottage.statusCode, cottage.body).toBe(201);
    expect(cottage.json().address).toMatchObject({ role: 'extra', label: 'Mökki', active: true });

    const deactivated = await session.call('PATCH', `/me/addresses/${cottage.json().address.id}`, { active: false });
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    expect(deactivated.json()).toMatchObject({ active: false, label: 'Mökki' });

    const added = await session.call('POST', '/me/endpoints', { value: '03 1234 567' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ type: 'landline', value: '+35831234567', verified: false });
    const wrong = await session.call('POST', `/me/endpoints/${added.json().id}/verify`, {
      pin: '000000' === (await readPin(app, '+35831234567')) ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    const verified = await session.call('POST', `/me/endpoints/${added.json().id}/verify`, {
      pin: await readPin(app, '+35831234567'),
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ verified: true });

    const me = (await session.call('GET', '/me')).json();
    expect(me.addresses.map((a: { role: string; active: boolean }) => [a.role, a.active])).toEqual([
      ['main', true],
      ['extra', false],
    ]);
    expect(me.endpoints.map((e: { value: string; verified: boolean }) => [e.value, e.verified])).toEqual([
      ['+358401234567', true],
      ['+35831234567', true],
    ]);

    const exported = await session.call('GET', '/me/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toContain('attachment');
    const data = exported.json();
    expect(data.contact).toMatchObject({ firstName: 'Anna', lastName: 'Virtanen' });
    expect(data.endpoints).toHaveLength(2);
    expect(data.addresses).toHaveLength(2);
    expect(data.controller.name).toBe(tenant.name);
    expect(data.changes.map((c: { action: string }) => c.action)).toContain('resident.register');

    const deleted = await session.call('DELETE', '/me');
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await session.call('GET', '/me')).statusCode).toBe(401);
    const kysely = context.db.kysely;
    const contactId = me.contact.id as string;
    expect(await kysely.selectFrom('contacts').select('id').where('id', '=', contactId).execute()).toEqual([]);
    expect(
      await kysely.selectFrom('contact_endpoints').select('id').where('contact_id', '=', contactId).execute(),
    ).toEqual([]);
    expect(
      await kysely.selectFrom('contact_addresses').select('id').where('contact_id', '=', contactId).execute(),
    ).toEqual([]);
    // A self-registered resident leaves no suppression entry behind: nothing of them is kept.
    expect(await kysely.selectFrom('suppressions').selectAll().where('tenant_id', '=', tenant.id).execute()).toEqual(
      [],
    );

    // Logging in again starts from nothing.
    const again = await logIn(app, tenant.slug, { phone: '+358401234567' }, '+358401234567', '10.0.0.2');
    expect((await again.call('GET', '/me')).json()).toMatchObject({ contact: null, known: false });
  });
});
