import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { buildTenant, importCsv, AVISO_HEADER } from '../factories.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';

const ROWS = [
  AVISO_HEADER,
  's1,Sankt Eriksgatan,,117,11343,Stockholm,Stockholm,,,62.031,24.621',
  's2,Sankt Eriksgatan,,117a,11343,Stockholm,Stockholm,,,62.031,24.622',
  's3,Sankt Eriksgatan,,117b,11343,Stockholm,Stockholm,,,62.031,24.623',
  's4,Sankt Eriksgatan,,119,11343,Stockholm,Stockholm,,,62.031,24.624',
  'm1,Mäntänkatu,Mänttägatan,5,35800,Mänttä,Mänttä-Vilppula,508-1-1-1,B1,62.029,24.62',
  'm2,Koulukatu,Skolgatan,12 B,35800,Mänttä,Mänttä-Vilppula,,,62.028,24.62',
  'm3,Koulukatu,Skolgatan,12 A,35800,Mänttä,Mänttä-Vilppula,,,62.028,24.621',
  'm4,Koulukatu,Skolgatan,3,35820,Mänttä,Mänttä-Vilppula,,,62.028,24.622',
  'v1,Kirkkotie,,1,35700,Vilppula,Mänttä-Vilppula,,,62.02,24.55',
];

describeEachDatabase('address search', (t) => {
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    tenant = await buildTenant(t().context);
    other = await buildTenant(t().context);
    await importCsv(t().context, tenant, ROWS);
    for (let i = 1; i <= 30; i++) {
      await importCsv(t().context, other, [AVISO_HEADER, `o${i},Koulukatu,,${i},35800,Mänttä,Mänttä,,,62.03,24.62`]);
    }
  });

  const search = async (q: string, extra = '', slug = tenant.slug) => {
    const response = await t().app.inject({ url: `/api/t/${slug}/addresses?q=${encodeURIComponent(q)}${extra}` });
    expect(response.statusCode).toBe(200);
    return (
      response.json() as { items: Array<{ label: string; street: string; number: string; lat: number; lon: number }> }
    ).items;
  };

  it('finds a word inside the street name by prefix, exact number first', async () => {
    const items = await search('eriksg 117');
    expect(items.map((i) => i.number)).toEqual(['117', '117a', '117b']);
    expect(items[0]!.label).toBe('Sankt Eriksgatan 117, 11343 Stockholm');
  });

  it('prefers the exact lettered number', async () => {
    const items = await search('Sankt Eriksgatan 117b');
    expect(items[0]!.number).toBe('117b');
  });

  it('is accent- and case-insensitive (mantta finds Mänttä)', async () => {
    const items = await search('mantta');
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.label.includes('Mänttä'))).toBe(true);
    expect((await search('MÄNTÄNKATU 5'))[0]!.street).toBe('Mäntänkatu');
  });

  it('matches the Swedish street name too', async () => {
    const items = await search('skolg 12b');
    expect(items[0]).toMatchObject({ street: 'Koulukatu', number: '12 B' });
  });

  it('lists an address once when both of its names match', async () => {
    // `mant` starts both Mäntänkatu and Mänttägatan, the two names of one street.
    const items = await search('mant');
    expect(items.map((i) => i.label)).toEqual(['Mäntänkatu 5, 35800 Mänttä']);
  });

  it('takes the postal code first, as the Finnish page asks', async () => {
    const items = await search('35820 koulu');
    expect(items.map((i) => i.number)).toEqual(['3']);
    const byParam = await search('koulu', '&postalCode=35800');
    expect(byParam.map((i) => i.number).sort()).toEqual(['12 A', '12 B']);
  });

  it('reads a town name as a filter', async () => {
    const items = await search('kirkko vilppula');
    expect(items.map((i) => i.label)).toEqual(['Kirkkotie 1, 35700 Vilppula']);
  });

  it('returns the point, and at most ten', async () => {
    const items = await search('koulukatu', '', other.slug);
    expect(items).toHaveLength(10);
    expect(items[0]).toMatchObject({ lat: 62.03, lon: 24.62 });
  });

  it("never shows another tenant's addresses", async () => {
    expect(await search('eriksg', '', other.slug)).toEqual([]);
  });

  it('finds nothing for nothing, and names a bad field', async () => {
    expect(await search('')).toEqual([]);
    const bad = await t().app.inject({ url: `/api/t/${tenant.slug}/addresses?q=x&postalCode=abc` });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors[0].field).toBe('postalCode');
    const unknown = await t().app.inject({ url: '/api/t/no-such-town/addresses?q=x' });
    expect(unknown.statusCode).toBe(404);
  });
});
