/**
 * Register once: adding an address lists the other tenants whose service area covers it; with consent
 * the resident is registered with each — a separate copy per tenant, the address matched to that
 * tenant's own register — and told where the address is not in the other register.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { nextPhone } from '../auth/phones.js';
import { AVISO_HEADER, buildTenant, importCsv, square } from '../factories.js';
import { addressIdOf, buildTown, logIn } from './resident-client.js';

describeEachDatabase('register once', (t) => {
  it('offers the covering tenants, copies the contact and address to them, and says where the address is missing', async () => {
    const { app, context } = t();
    const center = { lon: 23.5, lat: 61.5 };
    const water = await buildTown(context, { center, name: 'Vesi' });
    // The district heating company covers the same streets, with its own register (its own ids), but lacks Koulukatu 3.
    const heat = await buildTenant(context, {
      name: 'Kaukolämpö',
      serviceArea: square(center.lon, center.lat, 0.1),
      services: ['district-heating'],
    });
    await importCsv(context, heat, [
      AVISO_HEADER,
      [
        'h-1',
        'KOULUKATU',
        'Skolgatan',
        '1',
        '35800',
        'Mänttä',
        'Mänttä-Vilppula',
        '',
        '',
        center.lat + 0.001,
        center.lon,
      ].join(','),
    ]);
    const waste = await buildTenant(context, {
      name: 'Jätehuolto',
      serviceArea: square(center.lon, center.lat, 0.2),
      services: ['waste'],
    });
    await buildTenant(context, { name: 'Elsewhere', serviceArea: square(center.lon + 3, center.lat, 0.1) });

    const phone = nextPhone();
    const session = await logIn(app, water.slug, { phone: phone.national }, phone.e164, '10.70.0.1');
    await session.call('POST', '/me', { kind: 'person', firstName: 'Anna', lastName: 'Virtanen', language: 'fi' });
    const email = (await session.call('POST', '/me/endpoints', { value: 'unverified@example.fi' })).json();
    expect(email.verified).toBe(false);

    const added = (
      await session.call('POST', '/me/addresses', {
        addressId: await addressIdOf(context, water, 'kk-1'),
        label: 'Koti',
      })
    ).json();
    expect(added.otherTenants.sort((x: { slug: string }, y: { slug: string }) => x.slug.localeCompare(y.slug))).toEqual(
      [
        { slug: heat.slug, name: 'Kaukolämpö', services: ['district-heating'] },
        { slug: waste.slug, name: 'Jätehuolto', services: ['waste'] },
      ].sort((x, y) => x.slug.localeCompare(y.slug)),
    );

    const consent = await session.call('POST', `/me/addresses/${added.address.id}/register-once`, {
      tenants: [heat.slug, waste.slug, 'elsewhere'],
    });
    expect(consent.statusCode, consent.body).toBe(200);
    expect(consent.json().results).toEqual([
      { slug: heat.slug, name: 'Kaukolämpö', status: 'registered', message: 'registered with Kaukolämpö' },
      {
        slug: waste.slug,
        name: 'Jätehuolto',
        status: 'address-not-found',
        message: 'Jätehuolto has no Koulukatu 1, 35800 Mänttä in its address register',
      },
      {
        slug: 'elsewhere',
        name: null,
        status: 'not-covering',
        message: 'elsewhere does not serve Koulukatu 1, 35800 Mänttä',
      },
    ]);

    // The heat company's own copy: a self-registered contact with the verified number only, on its own address row.
    const inHeat = await logIn(app, heat.slug, { phone: phone.national }, phone.e164, '10.70.0.2');
    const copy = (await inHeat.call('GET', '/me')).json();
    expect(copy.contact).toMatchObject({ source: 'self', firstName: 'Anna', lastName: 'Virtanen' });
    expect(copy.endpoints.map((e: { value: string; verified: boolean }) => [e.value, e.verified])).toEqual([
      [phone.e164, true],
    ]);
    expect(copy.addresses).toEqual([
      expect.objectContaining({
        addressId: await addressIdOf(context, heat, 'h-1'),
        role: 'main',
        label: 'Koti',
        active: true,
      }),
    ]);
    const trail = await context.audit.list(heat.id, { limit: 10 });
    expect(trail.find((e) => e.action === 'contact.register-once')).toMatchObject({
      actorType: 'resident',
      detail: { from: water.slug },
    });

    // Asking again changes nothing.
    const again = await session.call('POST', `/me/addresses/${added.address.id}/register-once`, {
      tenants: [heat.slug],
    });
    expect(again.json().results[0].status).toBe('already-registered');
    // The copies are separate: deleting here leaves the heat company's copy.
    await session.call('DELETE', '/me');
    expect((await inHeat.call('GET', '/me')).json().contact.firstName).toBe('Anna');
  });
});
