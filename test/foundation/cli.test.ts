import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childDatabaseUrl, childProcessesTimeout, runCli } from '../cli.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { AVISO_HEADER, square } from '../factories.js';

const dir = mkdtempSync(join(tmpdir(), 'aviso-cli-'));

describe('aviso --help', () => {
  it('has help on every level', childProcessesTimeout(2), () => {
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    for (const command of ['serve', 'migrate', 'demo', 'tenant', 'addresses']) expect(top.stdout).toContain(command);
    const nested = runCli(['addresses', 'import', '--help']);
    expect(nested.stdout).toContain('--crs');
    expect(nested.stdout).toContain('--format');
  });

  it('fails with a one-line reason and a non-zero exit code', () => {
    const bad = runCli(['migrate'], { AVISO_DATABASE_URL: 'mysql://nope' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('AVISO_DATABASE_URL');
  });
});

for (const kind of TEST_DATABASES) {
  describe(`aviso tenant and addresses [${kind}]`, () => {
    let database: FreshDatabase;
    let env: Record<string, string>;

    beforeAll(async () => {
      database = await freshDatabase(kind);
      env = { AVISO_DATABASE_URL: childDatabaseUrl(database) };
    });
    afterAll(() => database.drop());

    it(
      'adds a tenant, imports addresses with a report of rejected rows, and lists it',
      childProcessesTimeout(4),
      () => {
        const area = join(dir, `area-${kind}.geojson`);
        writeFileSync(area, JSON.stringify({ type: 'Feature', properties: {}, geometry: square(24.62, 62.03, 0.1) }));
        const added = runCli(
          ['tenant', 'add', '--slug', 'mantta', '--name', 'Mäntän Vesi', '--area', area, '--languages', 'fi,sv'],
          env,
        );
        expect(added.stderr).toBe('');
        expect(added.stdout).toContain('tenant mantta added');

        const csv = join(dir, `addresses-${kind}.csv`);
        writeFileSync(
          csv,
          [
            AVISO_HEADER,
            'c1,Koulukatu,Skolgatan,1,35800,Mänttä,Mänttä,,,62.03,24.62',
            'c2,,,2,35800,Mänttä,Mänttä,,,62.03,24.62',
          ].join('\n'),
        );
        const report = join(dir, `report-${kind}.csv`);
        const imported = runCli(['addresses', 'import', csv, '--tenant', 'mantta', '--report', report], env);
        expect(imported.status).toBe(0);
        expect(imported.stdout).toMatch(/2 rows .* 1 added, 0 updated, 0 unchanged, 1 rejected/);
        expect(readFileSync(report, 'utf8')).toBe('line,reason\n3,"missing street"\n');

        const again = runCli(['addresses', 'import', csv, '--tenant', 'mantta'], env);
        expect(again.stdout).toMatch(/0 added, 0 updated, 1 unchanged/);

        const list = runCli(['tenant', 'list'], env);
        expect(list.stdout).toMatch(/mantta\tMäntän Vesi\tfi,sv\t1 addresses/);
      },
    );

    it('refuses an unknown tenant or a bad area in one line', childProcessesTimeout(2), () => {
      const noTenant = runCli(['addresses', 'import', join(dir, `addresses-${kind}.csv`), '--tenant', 'nowhere'], env);
      expect(noTenant.status).toBe(1);
      expect(noTenant.stderr.trim()).toBe('aviso: no tenant nowhere');
      const area = join(dir, 'bowtie.geojson');
      writeFileSync(
        area,
        JSON.stringify({
          type: 'Polygon',
          coordinates: [
            [
              [24, 62],
              [25, 63],
              [25, 62],
              [24, 63],
              [24, 62],
            ],
          ],
        }),
      );
      const bad = runCli(['tenant', 'add', '--slug', 'x', '--name', 'X', '--area', area], env);
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim()).toBe('aviso: serviceArea: the area intersects itself');
    });

    it('creates the demo tenant once', () => {
      const first = runCli(['demo', '--addresses', '500'], env);
      expect(first.stdout).toContain('demo tenant mantta exists already');
    });
  });
}
