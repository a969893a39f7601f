import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childDatabaseUrl, childProcessesTimeout, runCli } from '../cli.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { AVISO_HEADER, square } from '../factories.js';
import { registerCsv, row } from './register-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'aviso-register-cli-'));

for (const kind of TEST_DATABASES) {
  describe(`aviso register import [${kind}]`, () => {
    let database: FreshDatabase;
    let env: Record<string, string>;
    const count = async (table: 'contacts' | 'register_imports') =>
      Number(
        (
          await database.db.kysely
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      database = await freshDatabase(kind);
      env = { AVISO_DATABASE_URL: childDatabaseUrl(database) };
      const area = join(dir, `area-${kind}.geojson`);
      writeFileSync(area, JSON.stringify(square(24.62, 62.03, 0.1)));
      expect(runCli(['tenant', 'add', '--slug', 'mantta', '--name', 'Mäntän Vesi', '--area', area], env).status).toBe(
        0,
      );
      const addresses = join(dir, `addresses-${kind}.csv`);
      writeFileSync(
        addresses,
        [
          AVISO_HEADER,
          'a1,Puistokatu,Parkgatan,12,35800,Mänttä,Mänttä,,,62.03,24.62',
          'a2,Järvitie,,5,35800,Mänttä,Mänttä,,,62.031,24.62',
        ].join('\n'),
      );
      expect(runCli(['addresses', 'import', addresses, '--tenant', 'mantta'], env).status).toBe(0);
    });
    afterAll(() => database.drop());

    const file = join(dir, `register-${kind}.csv`);
    const rows = [
      row({ person_id: 'c1', first_name: 'Jörö', mobile: '040-100 0001' }),
      row({ person_id: 'c2', mobile: '0401000002', street: 'Järvitie', number: '5' }),
      row({ person_id: 'c3', mobile: '0401000003', number: '13' }),
      row({ person_id: 'c4', mobile: '0401000004', protected: '1' }),
    ];

    it('dry run: prints the diff and writes nothing, not even a run record', async () => {
      writeFileSync(file, iconv.encode(registerCsv(rows, ';'), 'latin1'));
      const dry = runCli(['register', 'import', file, '--tenant', 'mantta', '--encoding', 'latin1', '--dry-run'], env);
      expect(dry.stderr).toBe('');
      expect(dry.status).toBe(0);
      expect(dry.stdout).toMatch(
        /mantta: dry run, nothing written — 4 rows: 2 added, 0 updated, 0 unchanged, 0 removed, 0 skipped, 1 unmatched, 1 protected/,
      );
      expect(dry.stdout).toContain(
        'line 4: rejected: address not found: no such house number on the street in 35800 (closest: Puistokatu 12, 35800)',
      );
      expect(await count('contacts')).toBe(0);
      expect(await count('register_imports')).toBe(0);
    });

    it(
      'imports with a report file, records the run, and re-imports as a snapshot',
      childProcessesTimeout(2),
      async () => {
        const report = join(dir, `report-${kind}.csv`);
        const imported = runCli(
          [
            'register',
            'import',
            file,
            '--tenant',
            'mantta',
            '--encoding',
            'latin1',
            '--delimiter',
            ';',
            '--report',
            report,
          ],
          env,
        );
        expect(imported.status).toBe(0);
        expect(imported.stdout).toMatch(/4 rows: 2 added/);
        expect(readFileSync(report, 'utf8')).toBe(
          'line,outcome,reason,candidate\n4,rejected,address not found: no such house number on the street in 35800,"Puistokatu 12, 35800"\n',
        );
        const names = await database.db.kysely
          .selectFrom('contacts')
          .select('first_name')
          .orderBy('first_name')
          .execute();
        expect(names.map((n) => n.first_name)).toEqual(['Jörö', 'Matti']);
        expect(await count('register_imports')).toBe(1);

        writeFileSync(file, registerCsv(rows.slice(1, 2)));
        const again = runCli(['register', 'import', file, '--tenant', 'mantta'], env);
        expect(again.status).toBe(0);
        expect(again.stdout).toMatch(/1 unchanged, 1 removed/);
      },
    );

    it('fails in one line on a bad file or a bad option', childProcessesTimeout(2), () => {
      writeFileSync(file, 'name,phone\nMatti,0401234567\n');
      const bad = runCli(['register', 'import', file, '--tenant', 'mantta'], env);
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toContain('aviso: file: not a population register file: missing column(s) person_id');
      const encoding = runCli(['register', 'import', file, '--tenant', 'mantta', '--encoding', 'ebcdic'], env);
      expect(encoding.stderr.trim()).toBe(
        'aviso: encoding: unknown encoding ebcdic: use utf8, latin1 (ISO-8859-1) or windows-1252',
      );
    });
  });
}
