import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { buildRegisterTenant, importRows, importText, keyOf, row, storedPersons } from './register-helpers.js';

describeEachDatabase('register import: rows, matching, report', (t) => {
  it('imports the SPEC layout: E.164 numbers typed mobile/landline, birth dates in both forms, the address, no raw person id', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    const report = await importRows(context, tenant, [
      row({ person_id: '010170-123A', mobile: '0401234567', landline: '03 4881234', birth_date: '1970-01-01' }),
      row({
        person_id: '020280-234B',
        first_name: 'Anna',
        mobile: '040-765 4321',
        birth_date: '19800202',
        number: '14',
        language: 'sv',
      }),
      row({
        person_id: '030390-345C',
        first_name: 'Liisa',
        mobile: '+358 50 111 2222',
        street: 'Tehtaankatu',
        number: '3',
        language: '',
      }),
    ]);
    expect(report).toMatchObject({
      rows: 3,
      added: 3,
      updated: 0,
      unchanged: 0,
      removed: 0,
      rejected: 0,
      protected: 0,
      dryRun: false,
    });

    const stored = await storedPersons(context, tenant.id);
    expect(stored.get(keyOf(context, '010170-123A'))).toEqual([
      expect.objectContaining({
        source: 'register',
        firstName: 'Matti',
        birthDate: '1970-01-01',
        language: 'fi',
        phones: [
          { type: 'landline', value: '+35834881234', source: 'register' },
          { type: 'mobile', value: '+358401234567', source: 'register' },
        ],
        addresses: [{ source: 'register', sourceId: 'p12', role: 'main', active: 1 }],
      }),
    ]);
    expect(stored.get(keyOf(context, '020280-234B'))![0]).toMatchObject({
      birthDate: '1980-02-02',
      language: 'sv',
      phones: [{ value: '+358407654321' }],
    });
    expect(stored.get(keyOf(context, '030390-345C'))![0]).toMatchObject({
      language: null,
      addresses: [{ sourceId: 't3' }],
    });
    // The personal identity code itself is nowhere: contacts.person_id holds a keyed hash of it.
    const ids = await context.db.kysely
      .selectFrom('contacts')
      .select('person_id')
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(ids.map((r) => r.person_id)).not.toContain('010170-123A');
  });

  it("reads national numbers as Swedish when the tenant's country is Sweden", async () => {
    const { context } = t();
    const tenant = await context.tenants.updateSettings(await buildRegisterTenant(context, ['sv', 'fi']), {
      country: 'SE',
    });
    await importRows(context, tenant, [row({ person_id: 'se-1', mobile: '070-123 45 67', landline: '08-123 456 78' })]);
    const [person] = (await storedPersons(context, tenant.id)).get(keyOf(context, 'se-1'))!;
    expect(person!.phones).toEqual([
      { type: 'mobile', value: '+46701234567', source: 'register' },
      { type: 'landline', value: '+46812345678', source: 'register' },
    ]);
  });

  it('matches the street in either language, the number with letter or staircase, ignoring accents and case', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    const report = await importRows(context, tenant, [
      row({ person_id: 'm1', mobile: '0401000001', street: 'Parkgatan', number: '14' }),
      row({ person_id: 'm2', mobile: '0401000002', street: 'PUISTOKATU', number: '12 b' }),
      row({ person_id: 'm3', mobile: '0401000003', street: 'Puistokatu', number: '12B' }),
      row({ person_id: 'm4', mobile: '0401000004', street: 'Jarvitie', number: '5' }),
      row({ person_id: 'm5', mobile: '0401000005', street: 'puistokatu', number: '12 B 5' }),
      row({ person_id: 'm6', mobile: '0401000006', street: 'Skolgatan', number: '7 A', postal_code: '35 820' }),
    ]);
    expect(report).toMatchObject({ added: 6, rejected: 0, byBuilding: 2 });
    const stored = await storedPersons(context, tenant.id);
    const at = (personId: string) => stored.get(keyOf(context, personId))![0]!.addresses[0]!.sourceId;
    expect(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map(at)).toEqual(['p14', 'p12b', 'p12b', 'j5', 'p12b', 'k7']);
  });

  it('keeps unmatched rows out and names the closest address', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    const report = await importRows(context, tenant, [
      row({ person_id: 'u1', mobile: '0401000001', number: '16' }),
      row({ person_id: 'u2', mobile: '0401000002', street: 'Koulukatu', number: '7', postal_code: '35800' }),
      row({ person_id: 'u3', mobile: '0401000003', street: 'Puistokatuu', number: '14' }),
      row({ person_id: 'u4', mobile: '0401000004', street: 'Tehtaank', number: '3' }),
      row({ person_id: 'u5', mobile: '0401000005', street: 'Kuusitie', number: '1', postal_code: '99999' }),
    ]);
    expect(report).toMatchObject({ rows: 5, added: 0, rejected: 5, unmatched: 5 });
    expect(report.entries).toEqual([
      {
        line: 2,
        outcome: 'rejected',
        reason: 'address not found: no such house number on the street in 35800',
        candidate: 'Puistokatu 14, 35800',
      },
      {
        line: 3,
        outcome: 'rejected',
        reason: 'address not found: the street and number are in postal code 35820, not 35800',
        candidate: 'Koulukatu 7, 35820',
      },
      {
        line: 4,
        outcome: 'rejected',
        reason: 'address not found: no such street in 35800',
        candidate: 'Puistokatu 14, 35800',
      },
      {
        line: 5,
        outcome: 'rejected',
        reason: 'address not found: no such street in 35800',
        candidate: 'Tehtaankatu 3, 35800',
      },
      {
        line: 6,
        outcome: 'rejected',
        reason: 'address not found: postal code 99999 is not in the address register',
        candidate: null,
      },
    ]);
    expect((await storedPersons(context, tenant.id)).size).toBe(0);
  });

  it('reports bad rows with their line and reason, without repeating their values', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    const report = await importRows(context, tenant, [
      row({ person_id: 'b1', mobile: '0401000001', birth_date: '1970-02-30' }),
      row({ person_id: 'b2', mobile: '0401000002', birth_date: '17.5.1970' }),
      row({ person_id: 'b3', mobile: '0401000003', first_name: ' ' }),
      row({ person_id: 'b4' }),
      row({ person_id: 'b5', mobile: '12', landline: 'call me' }),
      row({ person_id: 'b6', mobile: '0401000006', landline: '123' }),
      row({ person_id: 'b6', mobile: '0401000007' }),
      row({ person_id: '', mobile: '0401000008', birth_date: '' }),
      row({ person_id: 'b9', mobile: '0401000009', birth_date: '2990-01-01' }),
    ]);
    expect(report).toMatchObject({ rows: 9, added: 1, rejected: 8, duplicates: 1, warnings: 1 });
    expect(report.entries.map(({ line, outcome, reason }) => [line, outcome, reason])).toEqual([
      [2, 'rejected', 'bad birth date: no such date'],
      [3, 'rejected', 'bad birth date: a date as YYYY-MM-DD or YYYYMMDD'],
      [4, 'rejected', 'missing first name'],
      [5, 'rejected', 'no phone number'],
      [6, 'rejected', 'bad mobile number; bad landline number'],
      [7, 'imported', 'bad landline number: imported with the other number only'],
      [8, 'rejected', 'duplicate person_id: first on line 7'],
      [9, 'rejected', 'missing person_id; missing birth date'],
      [10, 'rejected', 'bad birth date: a date between 1900 and today'],
    ]);
    for (const entry of report.entries) expect(entry.reason).not.toMatch(/0401|1970|call me/);
    const stored = await storedPersons(context, tenant.id);
    expect([...stored.keys()]).toEqual([keyOf(context, 'b6')]);
  });

  it('never stores a protected row, not even partly, and removes a person who became protected', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    await importRows(context, tenant, [
      row({ person_id: 'p1', mobile: '0401000001' }),
      row({ person_id: 'p2', mobile: '0401000002' }),
    ]);
    const report = await importRows(context, tenant, [
      row({ person_id: 'p1', mobile: '0401000001', protected: '1' }),
      row({ person_id: 'p2', mobile: '0401000002' }),
      row({ person_id: 'p3', first_name: 'Salainen', mobile: '0401000003', protected: '1' }),
      row({ person_id: 'p4', first_name: 'Salainen', mobile: 'bad', birth_date: 'bad', protected: 'true' }),
      row({ person_id: 'p5', first_name: 'Salainen', mobile: '0401000005', protected: 'turvakielto' }),
    ]);
    expect(report).toMatchObject({ rows: 5, protected: 4, removed: 1, unchanged: 1, added: 0, rejected: 0 });
    // Only the unrecognised value is reported, by line number alone.
    expect(report.entries).toEqual([
      { line: 6, outcome: 'protected', reason: expect.stringContaining('unrecognised'), candidate: null },
    ]);
    const db = context.db.kysely;
    const names = await db.selectFrom('contacts').select('first_name').where('tenant_id', '=', tenant.id).execute();
    expect(names.map((n) => n.first_name)).toEqual(['Matti']);
    const numbers = await db
      .selectFrom('contact_endpoints')
      .select('value')
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(numbers.map((n) => n.value)).toEqual(['+358401000002']);
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'register.import')
      .execute();
    expect(audit.map((a) => a.detail).join()).not.toMatch(/p3|Salainen|0401000003/);
  });

  it('imports minors with their birth date, so that the 16-year rule is applied on the day of each send', async () => {
    const { context, clock } = t();
    clock.set(Date.UTC(2025, 5, 1));
    const tenant = await buildRegisterTenant(context);
    const report = await importRows(context, tenant, [
      row({ person_id: 'kid', first_name: 'Aino', mobile: '0401000001', birth_date: '20090615' }),
      row({ person_id: 'baby', first_name: 'Eino', landline: '03 4881234', birth_date: '2025-01-01' }),
    ]);
    expect(report).toMatchObject({ added: 2, rejected: 0 });
    const stored = await storedPersons(context, tenant.id);
    // Aino turns 16 on 2025-06-15: dispatch reads the date on the day of sending.
    expect(stored.get(keyOf(context, 'kid'))![0]).toMatchObject({
      birthDate: '2009-06-15',
      phones: [{ value: '+358401000001' }],
    });
    expect(stored.get(keyOf(context, 'baby'))![0]).toMatchObject({ birthDate: '2025-01-01' });
    clock.set(Date.UTC(2025, 5, 20));
    const again = await importRows(context, tenant, [
      row({ person_id: 'kid', first_name: 'Aino', mobile: '0401000001', birth_date: '20090615' }),
      row({ person_id: 'baby', first_name: 'Eino', landline: '03 4881234', birth_date: '2025-01-01' }),
    ]);
    expect(again).toMatchObject({ unchanged: 2, updated: 0 });
  });

  it('refuses a file that is not a register file, naming what is missing', async () => {
    const { context } = t();
    const tenant = await buildRegisterTenant(context);
    await expect(importText(context, tenant, 'id,name\n1,x\n')).rejects.toThrow(
      /missing column\(s\) person_id, first_name.*protected/,
    );
    await expect(importText(context, tenant, '')).rejects.toThrow(/empty/);
    await expect(importText(context, tenant, 'person_id;first_name\n')).rejects.toThrow(/missing column/);
  });
});
