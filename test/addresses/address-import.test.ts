import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { AVISO_HEADER, buildTenant, importCsv, square } from '../factories.js';
import { importAddresses } from '../../src/modules/addresses/address.import.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';

const OA_HEADER = 'LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH';

describeEachDatabase('address import', (t) => {
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await buildTenant(t().context, { serviceArea: square(24.62, 62.03, 0.2) });
  });

  const count = () => t().context.addresses.count(tenant.id);
  const search = async (q: string) =>
    (await t().app.inject({ url: `/api/t/${tenant.slug}/addresses?q=${encodeURIComponent(q)}` })).json().items as Array<
      Record<string, unknown>
    >;

  it('imports the aviso layout and reports every rejected row with its line and reason', async () => {
    const report = await importCsv(t().context, tenant, [
      AVISO_HEADER,
      'a1,Puistokatu,Parkgatan,1,35800,Mänttä,Mänttä-Vilppula,508-1-2-3,100A,62.03,24.62',
      'a2,Puistokatu,Parkgatan,2,35800,Mänttä,Mänttä-Vilppula,,,62.0301,24.6201',
      'a3,,,3,35800,Mänttä,Mänttä-Vilppula,,,62.03,24.62',
      'a4,Puistokatu,,4,35800,Mänttä,Mänttä-Vilppula,,,north,24.62',
      'a5,Puistokatu,,5,35800,Mänttä,Mänttä-Vilppula,,,60.17,24.94',
      'a1,Puistokatu,,6,35800,Mänttä,Mänttä-Vilppula,,,62.03,24.62',
      'a7,Puistokatu,,,35800,Mänttä,Mänttä-Vilppula,,,62.03,24.62',
    ]);
    expect(report).toMatchObject({ rows: 7, added: 2, updated: 0, unchanged: 0, rejected: 5 });
    expect(report.rejections).toEqual([
      { line: 4, reason: 'missing street' },
      { line: 5, reason: 'bad coordinates: not numbers' },
      { line: 6, reason: expect.stringContaining('outside the service area') },
      { line: 7, reason: 'duplicate id a1 (first on line 2)' },
      { line: 8, reason: 'missing house number' },
    ]);
    expect(await count()).toBe(2);
    expect((await search('parkg 1'))[0]).toMatchObject({
      propertyId: '508-1-2-3',
      buildingId: '100A',
      streetSv: 'Parkgatan',
    });
  });

  it('re-importing the same file changes nothing; a changed row updates', async () => {
    const lines = [AVISO_HEADER, 'a1,Puistokatu,Parkgatan,1,35800,Mänttä,Mänttä-Vilppula,508-1-2-3,100A,62.03,24.62'];
    expect(await importCsv(t().context, tenant, lines)).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    const changed = [
      AVISO_HEADER,
      'a1,Puistokatu,Parkgatan,1 A,35800,Mänttä,Mänttä-Vilppula,508-1-2-3,100A,62.03,24.62',
    ];
    expect(await importCsv(t().context, tenant, changed)).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    expect((await search('puistokatu 1a'))[0]).toMatchObject({ number: '1 A' });
    expect(await count()).toBe(2);
  });

  it('counts added, updated and unchanged rows across many batches and statements', async () => {
    // 1,234 rows in batches of 500: several multi-row statements per batch and a short last one.
    const rows = (n: number, changed: (i: number) => boolean) => [
      AVISO_HEADER,
      ...Array.from(
        { length: n },
        (_, i) => `b${i},Pitkäkatu,Långgatan,${changed(i) ? `${i + 1} A` : i + 1},35800,Mänttä,Mänttä,,,62.03,24.62`,
      ),
    ];
    const importRows = (lines: string[]) =>
      importAddresses(t().context.db, tenant, Readable.from([lines.join('\n') + '\n']), {
        format: 'aviso',
        now: Date.now(),
        batchSize: 500,
      });
    const before = await count();
    expect(await importRows(rows(1234, () => false))).toMatchObject({
      rows: 1234,
      added: 1234,
      updated: 0,
      unchanged: 0,
    });
    expect(await importRows(rows(1300, (i) => i % 100 === 7))).toMatchObject({
      added: 66,
      updated: 13,
      unchanged: 1221,
    });
    expect(await count()).toBe(before + 1300);
    expect((await search('pitkakatu 108'))[0]).toMatchObject({ number: '108 A' });
    expect((await search('langg 1300'))[0]).toMatchObject({ number: '1300', streetSv: 'Långgatan' });
  });

  it('imports OpenAddresses CSV, with the unit joined to the number', async () => {
    const report = await importCsv(
      t().context,
      tenant,
      [
        OA_HEADER,
        '24.61,62.02,7,Tehtaankatu,B,Mänttä,Mänttä-Vilppula,,35800,oa-1,h1',
        '24.61,62.021,9,Tehtaankatu,,Mänttä,,,35800,,h2',
      ],
      'openaddresses',
    );
    expect(report).toMatchObject({ added: 2, rejected: 0 });
    expect((await search('tehtaankatu 7')).map((a) => a.number)).toEqual(['7 B']);
  });

  it('reprojects ETRS-TM35FIN (EPSG:3067) and SWEREF 99 TM (EPSG:3006) coordinates', async () => {
    // Mänttä centre, 62.0296 N 24.6226 E: in EPSG:3067 (N, E) = (6879757, 375619); the `lat,lon` columns hold `y,x`.
    await importCsv(
      t().context,
      tenant,
      [AVISO_HEADER, 'tm1,Kirkkoranta,,1,35800,Mänttä,Mänttä,,,6879757,375619'],
      'aviso',
      'EPSG:3067',
    );
    const [fin] = await search('kirkkoranta 1');
    expect(fin!.lat as number).toBeCloseTo(62.0296, 4);
    expect(fin!.lon as number).toBeCloseTo(24.6226, 4);
    // SWEREF 99 TM is UTM zone 33 on the same ellipsoid: the same spot is (E, N) = (1002184, 6914848).
    await importCsv(
      t().context,
      tenant,
      [OA_HEADER, '1002184,6914848,2,Kirkkoranta,,Mänttä,,,35800,tm2,'],
      'openaddresses',
      'EPSG:3006',
    );
    const [swe] = await search('kirkkoranta 2');
    expect(swe!.lat as number).toBeCloseTo(62.0296, 4);
    expect(swe!.lon as number).toBeCloseTo(24.6226, 4);
  });

  it('imports GeoJSON point features', async () => {
    const collection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'g1',
          geometry: { type: 'Point', coordinates: [24.63, 62.04] },
          properties: { street: 'Järvitie', number: '4', postal_code: '35800', postal_town: 'Mänttä' },
        },
        {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [24.6, 62],
              [24.7, 62],
            ],
          },
          properties: { id: 'g2', street: 'Järvitie', number: '6' },
        },
      ],
    };
    const report = await importAddresses(t().context.db, tenant, Readable.from([JSON.stringify(collection)]), {
      format: 'geojson',
      now: Date.now(),
    });
    expect(report).toMatchObject({
      added: 1,
      rejected: 1,
      rejections: [{ line: 2, reason: 'bad coordinates: geometry is not a Point' }],
    });
  });

  it('refuses a file without the needed columns, and a failed import leaves the register as it was', async () => {
    const before = await count();
    await expect(importCsv(t().context, tenant, ['foo,bar', '1,2'])).rejects.toThrow(/missing column/);
    async function* breaksHalfway() {
      yield AVISO_HEADER + '\n';
      for (let i = 0; i < 3000; i++) yield `x${i},Rikkinäinenkatu,,${i + 1},35800,Mänttä,Mänttä,,,62.03,24.62\n`;
      throw new Error('disk read error');
    }
    await expect(
      importAddresses(t().context.db, tenant, Readable.from(breaksHalfway()), {
        format: 'aviso',
        now: Date.now(),
        batchSize: 500,
      }),
    ).rejects.toThrow('disk read error');
    expect(await count()).toBe(before);
    expect(await search('rikkinainenkatu')).toEqual([]);
  });
});
