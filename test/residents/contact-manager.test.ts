/**
 * The contact data manager's rules over HTTP: bad input named by field, company contacts, main and extra
 * addresses, numbers, contacts from the public register (hide, not rewrite; suppression when opting out),
 * and an audit trail without personal data.
 */
import { expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase, type TestApp } from '../app.js';
import { nextPhone } from '../auth/phones.js';
import { addressIdOf, buildTown, logIn, readPin } from './resident-client.js';

async function registered(
  t: () => TestApp,
  tenant: Tenant,
  body: Record<string, unknown> = { kind: 'person', firstName: 'Anna', lastName: 'Virtanen' },
) {
  const phone = nextPhone();
  const session = await logIn(
    t().app,
    tenant.slug,
    { phone: phone.national },
    phone.e164,
    `10.50.${Math.floor(Math.random() * 250)}.1`,
  );
  const answer = await session.call('POST', '/me', body);
  expect(answer.statusCode, answer.body).toBe(201);
  return { session, phone, me: answer.json() };
}

type Answer = { statusCode: number; json(): any }; // eslint-disable-line @typescript-eslint/no-explicit-any

function expectField(answer: Answer, status: number, field: string, message?: RegExp): void {
  expect(answer.statusCode).toBe(status);
  expect(answer.json().errors?.[0]?.field).toBe(field);
  if (message) expect(answer.json().errors[0].message).toMatch(message);
}

/** A contact of the public register with a number and one address, as the register import leaves it. */
async function registerContact(t: () => TestApp, tenant: Tenant, e164: string, sourceId = 'kk-2'): Promise<string> {
  const kysely = t().context.db.kysely;
  const now = Date.now();
  const id = newId();
  await kysely
    .insertInto('contacts')
    .values({
      id,
      tenant_id: tenant.id,
      kind: 'person',
      source: 'register',
      person_id: `p-${id}`,
      first_name: 'Eino',
      last_name: 'Leino',
      company_name: null,
      business_id: null,
      contact_person: null,
      birth_date: '1950-07-06',
      language: 'fi',
      name_hidden: 0,
      priority: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await kysely
    .insertInto('contact_endpoints')
    .values({
      id: newId(),
      tenant_id: tenant.id,
      contact_id: id,
      type: 'mobile',
      value: e164,
      source: 'register',
      verified: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await kysely
    .insertInto('contact_addresses')
    .values({
      id: newId(),
      tenant_id: tenant.id,
      contact_id: id,
      address_id: await addressIdOf(t().context, tenant, sourceId),
      role: 'main',
      label: null,
      source: 'register',
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

describeEachDatabase('contact data manager', (t) => {
  it('names the bad field: birth date, business id, names, kind', async () => {
    const tenant = await buildTown(t().context);
    const phone = nextPhone();
    const session = await logIn(t().app, tenant.slug, { phone: phone.national }, phone.e164, '10.40.0.1');
    expectField(
      await session.call('POST', '/me', { kind: 'person', firstName: 'A', lastName: 'B', birthDate: '1980-02-30' }),
      400,
      'birthDate',
      /no such date/,
    );
    expectField(
      await session.call('POST', '/me', { kind: 'person', firstName: 'A', lastName: 'B', birthDate: '31.1.1980' }),
      400,
      'birthDate',
    );
    expectField(await session.call('POST', '/me', { kind: 'person', firstName: '', lastName: 'B' }), 400, 'firstName');
    expectField(
      await session.call('POST', '/me', {
        kind: 'company',
        companyName: 'Asunto Oy Koulukatu',
        businessId: '0112038-8',
        contactPerson: 'Isännöitsijä',
      }),
      400,
      'businessId',
      /Y-tunnus/,
    );
    expect((await session.call('POST', '/me', { kind: 'robot' })).statusCode).toBe(400);
    const unregistered = await session.call('POST', '/me/addresses', { addressId: 'x' });
    expect(unregistered.statusCode).toBe(409);
    expect(unregistered.json().detail).toMatch(/register first/);
  });

  it('registers a company contact that manages many properties', async () => {
    const tenant = await buildTown(t().context);
    const { session, me } = await registered(t, tenant, {
      kind: 'company',
      companyName: 'Isännöinti Oy',
      businessId: '112038-9',
      contactPerson: 'Pekka Puu',
      language: 'sv',
    });
    expect(me.contact).toMatchObject({
      kind: 'company',
      companyName: 'Isännöinti Oy',
      businessId: '0112038-9',
      contactPerson: 'Pekka Puu',
      language: 'sv',
      firstName: null,
    });
    for (const id of ['kk-1', 'kk-2', 'kk-3']) {
      expect(
        (
          await session.call('POST', '/me/addresses', {
            addressId: await addressIdOf(t().context, tenant, id),
            role: 'extra',
          })
        ).statusCode,
      ).toBe(201);
    }
    expect((await session.call('GET', '/me')).json().addresses).toHaveLength(3);
    expectField(await session.call('PATCH', '/me', { firstName: 'Pekka' }), 400, 'firstName', /company contact/);
    expectField(await session.call('PATCH', '/me', { businessId: '556012-5791' }), 400, 'businessId');
    expect((await session.call('PATCH', '/me', { businessId: '556012-5790' })).json().contact.businessId).toBe(
      '556012-5790',
    );
  });

  it('adds addresses only from the register and inside the service area, main or extra, and switches the main one', async () => {
    const tenant = await buildTown(t().context);
    const { session } = await registered(t, tenant);
    expectField(
      await session.call('POST', '/me/addresses', { addressId: 'no-such-id' }),
      400,
      'addressId',
      /no such address/,
    );
    expectField(
      await session.call('POST', '/me/addresses', { addressId: `far-${tenant.id}` }),
      400,
      'addressId',
      /outside the service area of Mäntän Vesi/,
    );
    const first = (
      await session.call('POST', '/me/addresses', { addressId: await addressIdOf(t().context, tenant, 'kk-1') })
    ).json().address;
    expect(first.role).toBe('main');
    const again = await session.call('POST', '/me/addresses', {
      addressId: await addressIdOf(t().context, tenant, 'kk-1'),
    });
    expectField(again, 409, 'addressId');
    const second = (
      await session.call('POST', '/me/addresses', {
        addressId: await addressIdOf(t().context, tenant, 'kk-2'),
        role: 'main',
        label: ' Koti ',
      })
    ).json().address;
    expect(second).toMatchObject({ role: 'main', label: 'Koti' });
    let roles = (await session.call('GET', '/me'))
      .json()
      .addresses.map((a: { id: string; role: string }) => [a.id, a.role]);
    expect(roles).toEqual([
      [second.id, 'main'],
      [first.id, 'extra'],
    ]);
    expect(
      (await session.call('PATCH', `/me/addresses/${first.id}`, { role: 'main', label: null })).json(),
    ).toMatchObject({ role: 'main', label: null });
    roles = (await session.call('GET', '/me'))
      .json()
      .addresses.map((a: { id: string; role: string }) => [a.id, a.role]);
    expect(roles).toEqual([
      [first.id, 'main'],
      [second.id, 'extra'],
    ]);
    expect((await session.call('PATCH', `/me/addresses/${second.id}`, { active: false })).json().active).toBe(false);
    expect((await session.call('PATCH', `/me/addresses/${second.id}`, { active: true })).json().active).toBe(true);
    expect((await session.call('DELETE', `/me/addresses/${second.id}`)).statusCode).toBe(204);
    expect((await session.call('DELETE', `/me/addresses/${second.id}`)).statusCode).toBe(404);
    expect((await session.call('GET', '/me')).json().addresses).toHaveLength(1);
  });

  it('verifies a new number before it counts, changes it (verified again), corrects mobile/landline, removes it', async () => {
    const tenant = await buildTown(t().context);
    const { session, phone } = await registered(t, tenant);
    expectField(await session.call('POST', '/me/endpoints', { value: '0401' }), 400, 'value');
    expectField(await session.call('POST', '/me/endpoints', { value: phone.national }), 409, 'value');
    expectField(await session.call('POST', '/me/endpoints', { value: 'a@example.fi', type: 'mobile' }), 400, 'type');
    const email = (await session.call('POST', '/me/endpoints', { value: 'Anna@Example.fi' })).json();
    expect(email).toMatchObject({ type: 'email', value: 'anna@example.fi', verified: false });
    expect((await session.call('POST', `/me/endpoints/${email.id}/pin`)).statusCode, 'cooldown').toBe(429);
    const pin = await readPin(t().app, 'anna@example.fi');
    expect((await session.call('POST', `/me/endpoints/${email.id}/verify`, { pin })).json().verified).toBe(true);
    expect((await session.call('POST', `/me/endpoints/${email.id}/pin`)).statusCode).toBe(409);
    expectField(await session.call('PATCH', `/me/endpoints/${email.id}`, { type: 'landline' }), 400, 'type');

    const mobile = (await session.call('POST', '/me/endpoints', { value: '050 765 4321', type: 'landline' })).json();
    expect(mobile).toMatchObject({ type: 'landline', value: '+358507654321' });
    expect((await session.call('PATCH', `/me/endpoints/${mobile.id}`, { type: 'mobile' })).json().type).toBe('mobile');
    expectField(await session.call('PATCH', `/me/endpoints/${mobile.id}`, {}), 400, 'value');
    // A changed number needs verifying again: the PIN goes to the new one.
    const changed = (await session.call('PATCH', `/me/endpoints/${mobile.id}`, { value: '050 111 2222' })).json();
    expect(changed).toMatchObject({ id: mobile.id, type: 'mobile', value: '+358501112222', verified: false });
    const newPin = await readPin(t().app, '+358501112222');
    expect((await session.call('POST', `/me/endpoints/${mobile.id}/verify`, { pin: newPin })).json().verified).toBe(
      true,
    );
    expectField(await session.call('PATCH', `/me/endpoints/${mobile.id}`, { value: 'anna@example.fi' }), 409, 'value');
    expect((await session.call('DELETE', `/me/endpoints/${mobile.id}`)).statusCode).toBe(204);
    expect((await session.call('GET', '/me')).json().endpoints.map((e: { value: string }) => e.value)).toEqual([
      phone.e164,
      'anna@example.fi',
    ]);
  });

  it("does not let an unverified number open somebody else's contact", async () => {
    const tenant = await buildTown(t().context);
    const { session } = await registered(t, tenant);
    const victim = nextPhone();
    await session.call('POST', '/me/endpoints', { value: victim.national });
    const theirs = await logIn(t().app, tenant.slug, { phone: victim.national }, victim.e164, '10.41.0.1');
    expect((await theirs.call('GET', '/me')).json()).toMatchObject({ contact: null });
  });

  it('hides the name, and keeps what the public register says', async () => {
    const tenant = await buildTown(t().context);
    const phone = nextPhone();
    await registerContact(t, tenant, phone.e164);
    const session = await logIn(t().app, tenant.slug, { phone: phone.national }, phone.e164, '10.42.0.1');
    expect(session.login).toEqual({ known: true, registered: true });
    expect((await session.call('PATCH', '/me', { nameHidden: true, language: 'sv' })).json().contact).toMatchObject({
      nameHidden: true,
      language: 'sv',
      firstName: 'Eino',
    });
    expectField(await session.call('PATCH', '/me', { lastName: 'Lönnrot' }), 400, 'lastName', /population register/);
    expectField(await session.call('POST', '/me', { kind: 'person', firstName: 'A', lastName: 'B' }), 409, 'kind');
    const link = (await session.call('GET', '/me')).json().addresses[0];
    expect(link).toMatchObject({ source: 'register', role: 'main', active: true });
    expect((await session.call('DELETE', `/me/addresses/${link.id}`)).statusCode).toBe(409);
  });

  it('keeps a register resident who opts out out: suppression on deactivating everything, lifted on reactivating, kept on delete', async () => {
    const tenant = await buildTown(t().context);
    const phone = nextPhone();
    await registerContact(t, tenant, phone.e164);
    const suppressions = () =>
      t()
        .context.db.kysely.selectFrom('suppressions')
        .select('endpoint_hash')
        .where('tenant_id', '=', tenant.id)
        .execute();
    const { keyedHash } = await import('../../src/lib/crypto.js');
    const hash = keyedHash(t().context.config.secret, phone.e164);

    const session = await logIn(t().app, tenant.slug, { phone: phone.national }, phone.e164, '10.43.0.1');
    const link = (await session.call('GET', '/me')).json().addresses[0];
    await session.call('PATCH', `/me/addresses/${link.id}`, { active: false });
    expect(await suppressions()).toEqual([{ endpoint_hash: hash }]);
    await session.call('PATCH', `/me/addresses/${link.id}`, { active: true });
    expect(await suppressions()).toEqual([]);
    expect((await session.call('DELETE', '/me')).statusCode).toBe(204);
    expect(await suppressions()).toEqual([{ endpoint_hash: hash }]);
    const rows = await t()
      .context.db.kysely.selectFrom('contact_endpoints')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .where('value', '=', phone.e164)
      .execute();
    expect(rows).toEqual([]);
  });

  it('writes every change to the audit trail with who made it, and no number, email or name', async () => {
    const tenant = await buildTown(t().context);
    const { session, phone, me } = await registered(t, tenant);
    await session.call('PATCH', '/me', { firstName: 'Annika', nameHidden: true });
    await session.call('POST', '/me/endpoints', { value: 'anna@example.fi' });
    const link = (
      await session.call('POST', '/me/addresses', {
        addressId: await addressIdOf(t().context, tenant, 'kk-1'),
        label: 'Koti',
      })
    ).json().address;
    await session.call('PATCH', `/me/addresses/${link.id}`, { active: false });
    const trail = await t().context.audit.list(tenant.id, { limit: 100 });
    const mine = trail.filter((e) => e.actorId === me.contact.id);
    expect(mine.map((e) => e.action).sort()).toEqual([
      'address.add',
      'address.update',
      'endpoint.add',
      'resident.register',
      'resident.update',
    ]);
    expect(mine.every((e) => e.actorType === 'resident')).toBe(true);
    const text = JSON.stringify(trail);
    for (const secret of [phone.e164, phone.national, 'anna@example.fi', 'Annika', 'Virtanen', 'Koti'])
      expect(text).not.toContain(secret);
  });

  it('lists the history of notices: none before anything was sent', async () => {
    const tenant = await buildTown(t().context);
    const { session } = await registered(t, tenant);
    expect((await session.call('GET', '/me/history')).json()).toEqual({ items: [] });
  });
});
