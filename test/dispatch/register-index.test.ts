/**
 * The register index that recipient resolution reads from memory stays exact, on both databases: every
 * write through the residents' repositories (a changed number, an address switched off, a deleted
 * contact), a new person, and a bulk address import are seen by the next resolution — patched in, or
 * read again whole.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Incident } from '../../src/modules/incidents/incident.types.js';
import { changeLogRepository } from '../../src/modules/register/change-log.repository.js';
import { residentStore } from '../../src/modules/residents/resident.store.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { AVISO_HEADER, importCsv } from '../factories.js';
import { addPerson, buildTown, CENTER, square } from './fixtures.js';

describeEachDatabase('register index', (t) => {
  let tenant: Tenant;
  let incident: Incident;
  const WEST = square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012); // kk-1 … kk-12

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    incident = await t().context.dispatch.incidents.createIncident(
      tenant,
      { service: 'water', kind: 'sudden', title: 'Putkirikko', area: WEST },
      { type: 'token', id: 'test' },
    );
  });

  const resolve = async () => {
    const resolution = await t().context.dispatch.preview.resolve(tenant, incident, t().context.clock.now());
    return {
      endpoints: resolution.recipients.map((r) => `${r.channel}:${r.endpoint}`).sort(),
      deactivated: resolution.exclusions.deactivated,
      addresses: resolution.addressIds.length,
    };
  };

  it('sees every change a resident makes, a new person, a deleted contact and newly imported addresses', async () => {
    const { context } = t();
    const store = residentStore(context.db.kysely, context.db.engine);
    const maija = await addPerson(context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401000001' }],
      addresses: ['kk-1'],
    });
    expect(await resolve()).toEqual({ endpoints: ['sms:+358401000001'], deactivated: 0, addresses: 12 });

    const [endpoint] = await store.contacts.listEndpoints(tenant.id, maija);
    await store.contacts.updateEndpoint(tenant.id, endpoint!.id, {
      value: '+358401000002',
      updated_at: context.clock.now(),
    });
    await store.contacts.insertEndpoint(tenant.id, {
      id: 'e-email',
      contact_id: maija,
      type: 'email',
      value: 'maija@example.fi',
      source: 'self',
      verified: 1,
      created_at: context.clock.now(),
      updated_at: context.clock.now(),
    });
    expect((await resolve()).endpoints).toEqual(['email:maija@example.fi', 'sms:+358401000002']);

    // A transaction of the residents' store: seen only once committed, then whole.
    const [place] = await store.places.listForContact(tenant.id, maija);
    await store.transaction(async (repos) => {
      await repos.places.update(tenant.id, place!.link.id, { active: 0, updated_at: context.clock.now() });
      await repos.contacts.deleteEndpoint(tenant.id, 'e-email');
    });
    expect(await resolve()).toEqual({ endpoints: [], deactivated: 1, addresses: 12 });

    const pekka = await addPerson(context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401000003' }],
      addresses: ['kk-2', 'pk-1'],
    });
    expect((await resolve()).endpoints).toEqual(['sms:+358401000003']);
    await store.contacts.delete(tenant.id, pekka);
    expect((await resolve()).endpoints).toEqual([]);

    // A bulk change (an address import) rebuilds the index: the new address is inside, with its person.
    await importCsv(context, tenant, [
      AVISO_HEADER,
      [
        'kk-13',
        'Koulukatu',
        'Skolgatan',
        '13',
        '35800',
        'Mänttä',
        'Mänttä-Vilppula',
        '',
        '',
        CENTER.lat + 0.0022,
        CENTER.lon - 0.002,
      ].join(','),
    ]);
    await addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: '+358401000013' }], addresses: ['kk-13'] });
    expect(await resolve()).toEqual({ endpoints: ['sms:+358401000013'], deactivated: 1, addresses: 13 });
  });

  it('reads the register again whole when the change log was pruned past its revision', async () => {
    const { context } = t();
    const before = (await resolve()).endpoints;
    const id = await addPerson(context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401000055' }],
      addresses: ['kk-4'],
    });
    await changeLogRepository(context.db.kysely).prune(Date.now() + 60_000);
    expect((await resolve()).endpoints).toEqual([...before, 'sms:+358401000055'].sort());
    await residentStore(context.db.kysely, context.db.engine).contacts.delete(tenant.id, id);
    expect((await resolve()).endpoints).toEqual(before);
  });

  it('raises the revision with every write, on the connection of the write', async () => {
    const { context } = t();
    const revision = async () =>
      Number(
        (
          await context.db.kysely
            .selectFrom('register_revisions')
            .select('revision')
            .where('tenant_id', '=', tenant.id)
            .executeTakeFirst()
        )?.revision ?? 0,
      );
    const store = residentStore(context.db.kysely, context.db.engine);
    const id = await addPerson(context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401000077' }],
      addresses: ['kk-5'],
    });
    const before = await revision();
    await expect(
      store.transaction(async (repos) => {
        await repos.contacts.update(tenant.id, id, { language: 'sv', updated_at: context.clock.now() });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await revision()).toBe(before);
    await store.contacts.update(tenant.id, id, { language: 'sv', updated_at: context.clock.now() });
    expect(await revision()).toBe(before + 1);
  });
});
