/**
 * The one-statement read of a contact with its endpoints and addresses (JSON arrays on both engines) gives
 * exactly what the separate reads give: every column, numbers and coordinates bit for bit, awkward text,
 * the order (endpoints oldest first, main address first), empty lists — and nothing of another tenant.
 */
import { beforeAll, expect, it } from 'vitest';
import { residentStore } from '../../src/modules/residents/resident.store.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { AVISO_HEADER, buildTenant, importCsv, square } from '../factories.js';
import { addPerson, buildTown, CENTER } from '../dispatch/fixtures.js';

describeEachDatabase('contact details in one statement', (t) => {
  let tenant: Tenant;
  // Coordinates that need all 17 significant digits.
  const LAT = CENTER.lat + 1 / 3_000;
  const LON = CENTER.lon - 1 / 7_000;

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    // A street name that JSON must escape.
    await importCsv(t().context, tenant, [
      AVISO_HEADER,
      ['odd-1', '"Vanha ""Kivi"" tie \\ 1"', '', '7 B', '35800', 'Mänttä', 'Mänttä-Vilppula', '', '', LAT, LON].join(
        ',',
      ),
    ]);
  });

  const separately = async (store: ReturnType<typeof residentStore>, tenantId: Tenant['id'], id: string) => {
    const contact = await store.contacts.find(tenantId, id);
    return (
      contact && {
        contact,
        endpoints: await store.contacts.listEndpoints(tenantId, id),
        places: await store.places.listForContact(tenantId, id),
      }
    );
  };

  it('equals the contact, endpoint and address reads, in their order', async () => {
    const { context } = t();
    const store = residentStore(context.db.kysely, context.db.engine);
    const id = await addPerson(context, tenant, {
      endpoints: [
        { type: 'mobile', value: '+358401000001' },
        { type: 'email', value: 'maija@example.fi', verified: false },
        { type: 'landline', value: '+35832000001' },
      ],
      addresses: ['odd-1', 'kk-3', { id: 'pk-2', active: false }],
    });
    const [, second] = await store.places.listForContact(tenant.id, id);
    await store.places.update(tenant.id, second!.link.id, {
      label: 'mökki "järvellä"\nrivi 2 \\ ✓',
      updated_at: context.clock.now(),
    });

    const details = await store.details.find(tenant.id, id);
    expect(details).toEqual(await separately(store, tenant.id, id));
    const byAge = [...details!.endpoints].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
    expect(details!.endpoints.map((e) => e.id)).toEqual(byAge.map((e) => e.id));
    expect(details!.endpoints.map((e) => e.type).sort()).toEqual(['email', 'landline', 'mobile']);
    expect(details!.places.map((p) => p.link.role)).toEqual(['main', 'extra', 'extra']);
    expect(details!.places[0]!.address).toMatchObject({
      street: 'Vanha "Kivi" tie \\ 1',
      number: '7 B',
      lat: LAT,
      lon: LON,
    });
    expect(details!.places.find((p) => p.link.id === second!.link.id)!.link.label).toBe(
      'mökki "järvellä"\nrivi 2 \\ ✓',
    );
    expect(typeof details!.endpoints[0]!.created_at).toBe('number');
  });

  it('gives empty lists to a contact with no endpoints or addresses, and nothing for an unknown id', async () => {
    const { context } = t();
    const store = residentStore(context.db.kysely, context.db.engine);
    const id = await addPerson(context, tenant, { endpoints: [], addresses: [] });
    const details = await store.details.find(tenant.id, id);
    expect(details).toEqual(await separately(store, tenant.id, id));
    expect(details).toMatchObject({ endpoints: [], places: [] });
    expect(await store.details.find(tenant.id, 'no-such-contact')).toBeUndefined();
  });

  it('does not read a contact of another tenant', async () => {
    const { context } = t();
    const store = residentStore(context.db.kysely, context.db.engine);
    const other = await buildTenant(context, { slug: 'toinen', serviceArea: square(CENTER.lon, CENTER.lat, 0.1) });
    await importCsv(context, other, [
      AVISO_HEADER,
      ['x-1', 'Toinen katu', '', '1', '35800', 'Mänttä', 'Mänttä-Vilppula', '', '', CENTER.lat, CENTER.lon].join(','),
    ]);
    const theirs = await addPerson(context, other, {
      endpoints: [{ type: 'mobile', value: '+358401000099' }],
      addresses: ['x-1'],
    });
    expect(await store.details.find(tenant.id, theirs)).toBeUndefined();
    expect((await store.details.find(other.id, theirs))?.endpoints).toHaveLength(1);
  });
});
