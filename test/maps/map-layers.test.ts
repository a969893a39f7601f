/**
 * Map layers from the register. The operators' address layer: tiles of the register's points binned when
 * zoomed out (counts add up to the town), labelled points at street level, an incident's addresses (a
 * drawn shape, a street stretch) marked inside, a changed area marked anew; operators only. Street lines
 * with names derived from the addresses, for any map.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { tileX, tileY } from '../../src/modules/maps/address-tiles.js';
import { describeEachDatabase } from '../app.js';
import { buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';

type Bin = [number, number, number, number];
type Point = [number, number, string, 0 | 1];

/** The tile of zoom z holding a position. */
const tileOf = (z: number, lon: number, lat: number) => ({ x: tileX(lon, 2 ** z), y: tileY(lat, 2 ** z) });

describeEachDatabase('address tiles', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  const url = (path: string) => `/api/t/${tenant.slug}${path}`;
  const tile = async (z: number, lon: number, lat: number, incident?: string) => {
    const { x, y } = tileOf(z, lon, lat);
    const response = await t().app.inject({
      url: url(`/map/addresses/${z}/${x}/${y}${incident ? `?incident=${incident}` : ''}`),
      headers: auth,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { bins?: Bin[]; points?: Point[] };
  };

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    auth = await tokenHeaders(t().context, tenant);
  });

  it('bins the town when zoomed out: every address counted once, at a mean position inside its cell', async () => {
    const { bins } = await tile(10, CENTER.lon, CENTER.lat);
    expect(bins!.reduce((n, b) => n + b[2], 0)).toBe(36);
    for (const [lon, lat] of bins!) {
      expect(lon).toBeGreaterThan(CENTER.lon - 0.003);
      expect(lat).toBeGreaterThan(CENTER.lat);
      expect(String(lon).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(6);
    }
    // Zoomed in, Koulukatu and Puistokatu (400 m apart) fall in different cells.
    const closer = await tile(14, CENTER.lon, CENTER.lat);
    expect(closer.bins!.length).toBeGreaterThanOrEqual(2);
    expect((await tile(10, CENTER.lon + 20, CENTER.lat)).bins).toEqual([]);
  });

  it('lists points with "street number" labels at street level', async () => {
    const { points } = await tile(17, CENTER.lon - 0.002, CENTER.lat + 0.0012);
    const labels = points!.map((p) => p[2]);
    expect(labels).toContain('Koulukatu 6');
    expect(labels.every((l) => l.startsWith('Koulukatu '))).toBe(true);
    expect(points!.every((p) => p[3] === 0)).toBe(true);
  });

  it("marks an incident's addresses inside, and marks them anew when its area changes", async () => {
    const created = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: {
        service: 'water',
        kind: 'sudden',
        title: 'Katko',
        status: 'draft',
        area: square(CENTER.lon - 0.002, CENTER.lat + 0.0011, 0.0003),
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const inside = (points: Point[]) =>
      points
        .filter((p) => p[3] === 1)
        .map((p) => p[2])
        .sort();
    const street = await tile(16, CENTER.lon - 0.002, CENTER.lat + 0.0012, id);
    expect(inside(street.points!)).toEqual(['Koulukatu 4', 'Koulukatu 5', 'Koulukatu 6', 'Koulukatu 7'].sort());
    const town = await tile(10, CENTER.lon, CENTER.lat, id);
    expect(town.bins!.reduce((n, b) => n + b[3], 0)).toBe(4);

    const patched = await t().app.inject({
      method: 'PATCH',
      url: url(`/incidents/${id}`),
      headers: auth,
      payload: { area: null, streets: [{ street: 'Puistokatu', from: 1, to: 3 }] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const east = await tile(16, CENTER.lon + 0.002, CENTER.lat + 0.0004, id);
    expect(inside(east.points!)).toEqual(['Puistokatu 1', 'Puistokatu 2', 'Puistokatu 3']);
    expect((await tile(10, CENTER.lon, CENTER.lat, id)).bins!.reduce((n, b) => n + b[3], 0)).toBe(3);
  });

  it('answers operators only, and names a bad tile number', async () => {
    const anonymous = await t().app.inject({ url: url('/map/addresses/10/0/0') });
    expect(anonymous.statusCode).toBe(401);
    const bad = await t().app.inject({ url: url('/map/addresses/2/4/0'), headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('x');
    const unknown = await t().app.inject({ url: url('/map/addresses/10/0/0?incident=nope'), headers: auth });
    expect(unknown.statusCode).toBe(404);
  });

  it('derives street centrelines with their names from the addresses, within a box', async () => {
    const box = [CENTER.lon - 0.01, CENTER.lat - 0.01, CENTER.lon + 0.01, CENTER.lat + 0.01].join(',');
    const response = await t().app.inject({ url: url(`/map/streets?bbox=${box}`) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('application/geo+json');
    const lines = (
      response.json() as {
        features: Array<{ geometry: { type: string; coordinates: number[][] }; properties: { name: string } }>;
      }
    ).features;
    expect(lines.map((l) => l.properties.name).sort()).toEqual(['Koulukatu', 'Puistokatu']);
    const koulukatu = lines.find((l) => l.properties.name === 'Koulukatu')!.geometry;
    // Houses 1–12 on one side of the street: six positions, each the mean of houses 2k−1 and 2k.
    expect(koulukatu.type).toBe('LineString');
    expect(koulukatu.coordinates).toHaveLength(6);
    expect(koulukatu.coordinates[0]![0]).toBeCloseTo(CENTER.lon - 0.002, 6);
    expect(koulukatu.coordinates[0]![1]).toBeCloseTo(CENTER.lat + 0.0003, 6);
    expect(koulukatu.coordinates[5]![1]).toBeCloseTo(CENTER.lat + 0.0023, 6);

    const bad = await t().app.inject({ url: url('/map/streets?bbox=25,62,24,63') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('bbox');
  });
});
