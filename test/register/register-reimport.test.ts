import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { importRegister } from '../../src/modules/register/register.import.js';
import { describeEachDatabase } from '../app.js';
import {
  addressId,
  buildRegisterTenant,
  importRows,
  insertSelfContact,
  keyOf,
  REGISTER_HEADER,
  registerCsv,
  row,
  storedPersons,
  suppress,
  tableSnapshot,
} from './register-helpers.js';

describeEachDatabase('register import: re-import, self data, suppression, dry run, failures', (t) => {
  const family = () => [
    row({ person_id: 'r1', first_name: 'Matti', mobile: '0401000001' }),
    row({ person_id: 'r2', first_name: 'Maija', mobile: '0401000002', landline: '03 4881234' }),
    row({ person_id: 'r3', first_name: 'Pekka', mobile: '0401000003', street: 'Tehtaankatu', number: '3' }),
    row({ person_id: 'r4', first_name: 'Kaisa', mobile: '0401000004', number: '14' }),
  ];

  it('treats a re-import as a snapshot: removes who is gone, moves who moved, updates numbers, leaves the rest untouched', async () => {
    const { context, clock } = t();
    clock.set(Date.UTC(2025, 0, 1));
    const tenant = await buildRegisterTenant(context);
    expect(await importRows(context, tenant, family())).toMatchObject({ added: 4 });
    const before = await storedPersons(context, tenant.id);

    clock.set(Date.UTC(2025, 1, 1));
    const report = await importRows(context, tenant, [
      row({ person_id: 'r1', first_name: 'Matti', mobile: '0401000001' }),
      row({ person_id: 'r2', first_name: 'Maija', mobile: '0409999999', landline: '03 4881234' }),
      row({
        person_id: 'r3',
        first_name: 'Pekka',
        mobile: '0401000003',
        street: 'Koulukatu',
        number: '7',
        postal_code: '35820',
      }),
      row({ person_id: 'r5', first_name: 'Uusi', mobile: '0401000005' }),
    ]);
    expect(report).toMatchObject({ rows: 4, added: 1, updated: 2, unchanged: 1, removed: 1 });

    const after = await storedPersons(context, tenant.id);
    expect(after.get(keyOf(context, 'r1'))).toEqual(before.get(keyOf(context, 'r1')));
    expect(after.get(keyOf(context, 'r2'))![0]!.phones.map((p) => p.value)).toEqual(['+35834881234', '+358409999999']);
    expect(after.get(keyOf(context, 'r3'))![0]).toMatchObject({
      contactId: before.get(keyOf(context, 'r3'))![0]!.contactId,
      addresses: [{ source: 'register', sourceId: 'k7', role: 'main', active: 1 }],
    });
    expect(after.has(keyOf(context, 'r4'))).toBe(false);
    expect(after.has(keyOf(context, 'r5'))).toBe(true);
  });

  it("never changes or deletes what a resident entered, and adds no register duplicate of a resident's own number", async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    await importRows(context, tenant, family());
    const db = context.db.kysely;
    const p12 = await addressId(context, tenant, 'p12');
    const j5 = await addressId(context, tenant, 'j5');
    // A resident registered themselves at Järvitie 5 with the number the register gives to a newcomer there.
    const selfId = await insertSelfContact(context, tenant, { phones: ['+358401000009'], addressIds: [j5] });
    // Maija (register) logged in, added a number of her own and an extra address, switched her register address off.
    const maija = (await storedPersons(context, tenant.id)).get(keyOf(context, 'r2'))![0]!;
    const now = context.clock.now();
    await db
      .insertInto('contact_endpoints')
      .values({
        id: 'own-e',
        tenant_id: tenant.id,
        contact_id: maija.contactId,
        type: 'mobile',
        value: '+358405555555',
        source: 'self',
        verified: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('contact_addresses')
      .values({
        id: 'own-a',
        tenant_id: tenant.id,
        contact_id: maija.contactId,
        address_id: j5,
        role: 'extra',
        source: 'self',
        active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .updateTable('contact_addresses')
      .set({ active: 0 })
      .where('contact_id', '=', maija.contactId)
      .where('address_id', '=', p12)
      .execute();
    await db.updateTable('contacts').set({ language: 'sv' }).where('id', '=', maija.contactId).execute();
    const selfBefore = (await storedPersons(context, tenant.id)).get(`self:${selfId}`);

    const report = await importRows(context, tenant, [
      ...family().slice(0, 1),
      // Maija's register numbers change; her own one stays, the resident-switched-off address stays off.
      row({ person_id: 'r2', first_name: 'Maija', mobile: '0401000222', language: 'fi' }),
      ...family().slice(2),
      row({ person_id: 'n1', first_name: 'Naapuri', mobile: '0401000009', street: 'Järvitie', number: '5' }),
    ]);
    expect(report).toMatchObject({ added: 0, skipped: 1, selfCovered: 1, updated: 1, unchanged: 3 });

    const after = await storedPersons(context, tenant.id);
    expect(after.get(`self:${selfId}`)).toEqual(selfBefore);
    expect(after.has(keyOf(context, 'n1'))).toBe(false);
    expect(after.get(keyOf(context, 'r2'))![0]).toMatchObject({
      language: 'sv',
      phones: [
        { type: 'mobile', value: '+358401000222', source: 'register' },
        { type: 'mobile', value: '+358405555555', source: 'self' },
      ],
      addresses: [
        { source: 'self', sourceId: 'j5', role: 'extra', active: 1 },
        { source: 'register', sourceId: 'p12', role: 'main', active: 0 },
      ],
    });

    // Maija is gone from the register: her register data goes, her own number and address stay with her contact.
    const gone = await importRows(
      context,
      tenant,
      family().filter((r) => r.person_id !== 'r2'),
    );
    expect(gone).toMatchObject({ removed: 1 });
    expect((await storedPersons(context, tenant.id)).get(keyOf(context, 'r2'))![0]).toMatchObject({
      phones: [{ value: '+358405555555', source: 'self' }],
      addresses: [{ source: 'self', sourceId: 'j5' }],
    });
  });

  it('skips a person whose self-registered contact carries the same person id', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    await importRows(context, tenant, family());
    const selfId = await insertSelfContact(context, tenant, {
      phones: ['+358407777777'],
      addressIds: [await addressId(context, tenant, 'p14')],
      personKey: keyOf(context, 'r4'),
    });
    const report = await importRows(context, tenant, family());
    expect(report).toMatchObject({ skipped: 1, removed: 1, unchanged: 3 });
    expect((await storedPersons(context, tenant.id)).get(keyOf(context, 'r4'))).toEqual([
      expect.objectContaining({ contactId: selfId, source: 'self' }),
    ]);
  });

  it('does not re-add a suppressed number', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    await suppress(context, tenant, '+358401000002');
    await suppress(context, tenant, '+358401000003');
    const report = await importRows(context, tenant, family());
    expect(report).toMatchObject({ added: 3, skipped: 1, suppressed: 2 });
    const stored = await storedPersons(context, tenant.id);
    expect(stored.get(keyOf(context, 'r2'))![0]!.phones.map((p) => p.value)).toEqual(['+35834881234']);
    expect(stored.has(keyOf(context, 'r3'))).toBe(false);
    expect(await importRows(context, tenant, family())).toMatchObject({
      added: 0,
      unchanged: 3,
      skipped: 1,
      suppressed: 2,
    });
  });

  it('dry run: prints the diff of a real import and writes nothing', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    await importRows(context, tenant, family());
    const snapshot = await tableSnapshot(context, tenant.id);
    const next = [
      row({ person_id: 'r1', first_name: 'Matti', mobile: '0401000001' }),
      row({ person_id: 'r2', first_name: 'Maija', mobile: '0409999999' }),
      row({ person_id: 'r5', first_name: 'Uusi', mobile: '0401000005' }),
      row({ person_id: 'r6', first_name: 'Harhaosoite', mobile: '0401000006', number: '99' }),
      row({ person_id: 'r7', first_name: 'Salainen', mobile: '0401000007', protected: '1' }),
    ];
    await suppress(context, tenant, '+358401000005');
    const snapshotWithSuppression = await tableSnapshot(context, tenant.id);
    expect(snapshotWithSuppression).toEqual(snapshot);
    const dry = await importRows(context, tenant, next, { dryRun: true });
    expect(dry).toMatchObject({
      dryRun: true,
      added: 0,
      updated: 1,
      unchanged: 1,
      removed: 2,
      skipped: 1,
      unmatched: 1,
      protected: 1,
      suppressed: 1,
    });
    expect(await tableSnapshot(context, tenant.id)).toEqual(snapshot);
    const real = await importRows(context, tenant, next);
    const { dryRun: _dry, ...dryCounts } = dry;
    const { dryRun: _real, ...realCounts } = real;
    expect(realCounts).toEqual(dryCounts);
  });

  it('an interrupted import (the input fails half-way) leaves the previous register intact', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    await importRows(context, tenant, family());
    const snapshot = await tableSnapshot(context, tenant.id);
    async function* breaksHalfway() {
      yield REGISTER_HEADER + '\n';
      for (let i = 0; i < 3000; i++)
        yield `x${i},Nimi,Sukunimi,1980-01-01,Puistokatu,12,35800,Mänttä,040${String(2000000 + i)},,fi,0\n`;
      throw new Error('disk read error');
    }
    await expect(
      importRegister({ db: context.db, secret: context.config.secret }, tenant, Readable.from(breaksHalfway()), {
        encoding: 'utf8',
        now: Date.now(),
        batchSize: 500,
      }),
    ).rejects.toThrow('disk read error');
    expect(await tableSnapshot(context, tenant.id)).toEqual(snapshot);
  });

  it('refuses to remove most of the register unless allowed, and audits each import with counts only', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    const many = Array.from({ length: 12 }, (_, i) =>
      row({ person_id: `m${i}`, mobile: `04010000${String(i).padStart(2, '0')}` }),
    );
    await importRows(context, tenant, many);
    const snapshot = await tableSnapshot(context, tenant.id);
    await expect(importRows(context, tenant, many.slice(0, 4))).rejects.toThrow(/would remove 8 of the 12 persons/);
    expect(await tableSnapshot(context, tenant.id)).toEqual(snapshot);
    expect(await importRows(context, tenant, many.slice(0, 4), { dryRun: true })).toMatchObject({
      removed: 8,
      massRemoval: true,
    });
    expect(await importRows(context, tenant, many.slice(0, 4), { allowMassRemoval: true })).toMatchObject({
      removed: 8,
      massRemoval: true,
    });

    const audit = await context.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'register.import')
      .orderBy('at')
      .execute();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[1]!.detail!)).toMatchObject({
      rows: 4,
      removed: 8,
      unchanged: 4,
      encoding: 'utf8',
      delimiter: ',',
    });
    expect(audit.map((a) => a.detail).join()).not.toMatch(/Matti|Virtanen|\+358|m1/);
  });

  it('reads ISO-8859-1 and Windows-1252 files, any of the three delimiters, and other layouts through a mapping', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    const iconv = (await import('iconv-lite')).default;
    const rows = [
      row({
        person_id: 'e1',
        first_name: 'Jörö',
        last_name: 'Šimon',
        mobile: '0401000001',
        street: 'Järvitie',
        number: '5',
      }),
    ];
    const latin1 = iconv.encode(registerCsv(rows, ';').replace('Šimon', 'Simon'), 'latin1');
    expect(await importRows(context, tenant, [], { dryRun: true })).toBeTruthy();
    const { importText } = await import('./register-helpers.js');
    expect(await importText(context, tenant, latin1, { encoding: 'latin1' })).toMatchObject({ added: 1 });
    expect((await storedPersons(context, tenant.id)).get(keyOf(context, 'e1'))![0]).toMatchObject({
      firstName: 'Jörö',
      lastName: 'Simon',
    });

    const cp1252 = iconv.encode(registerCsv(rows, '\t').replace('Simon', 'Šimon'), 'windows-1252');
    expect(await importText(context, tenant, cp1252, { encoding: 'windows-1252' })).toMatchObject({ updated: 1 });
    expect((await storedPersons(context, tenant.id)).get(keyOf(context, 'e1'))![0]).toMatchObject({
      firstName: 'Jörö',
      lastName: 'Šimon',
    });

    await expect(importText(context, tenant, latin1, { encoding: 'utf8' })).rejects.toThrow(
      /line 2 is not UTF-8 text.*latin1/,
    );

    const theirs =
      'HETU;ETUNIMI;SUKUNIMI;SYNTYMAPAIVA;KATU;NRO;POSTINRO;TOIMIPAIKKA;GSM;PUHELIN;KIELI;TURVAKIELTO\n' +
      'e1;Jörö;Šimon;19700517;Järvitie;5;35800;Mänttä;0401000001;;fi;0\n';
    const columns = {
      person_id: 'HETU',
      first_name: 'ETUNIMI',
      last_name: 'SUKUNIMI',
      birth_date: 'SYNTYMAPAIVA',
      street: 'KATU',
      number: 'NRO',
      postal_code: 'POSTINRO',
      postal_town: 'TOIMIPAIKKA',
      mobile: 'GSM',
      landline: 'PUHELIN',
      language: 'KIELI',
      protected: 'TURVAKIELTO',
    };
    expect(await importText(context, tenant, theirs, { columns })).toMatchObject({ unchanged: 1, rejected: 0 });
    await expect(
      importText(context, tenant, theirs, { columns: { ...columns, protected: 'SALAINEN' } }),
    ).rejects.toThrow(/protected \(mapped to "SALAINEN"\)/);
  });
});
