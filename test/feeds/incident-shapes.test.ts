/**
 * A shape for every incident: a street stretch and a postal code get a geometry from the address points
 * they match, stored with the incident, in incidents.geojson (RFC 7946: exterior rings counter-clockwise,
 * holes clockwise, 6 decimals, a bbox per feature; read by GDAL's ogrinfo) and as CAP polygons that pass
 * the OASIS schema. The shape is drawn only: matching still goes by street, number and postal code.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Position } from 'geojson';
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { ogrSummary, validateCap } from './validators.js';

/** Where the fixture town puts Koulukatu N (kk-N), Puistokatu N (pk-N) and Kaukotie N (far-N). */
const koulukatu = (n: number): Position => [CENTER.lon - 0.002, CENTER.lat + n * 0.0002];
const puistokatu = (n: number): Position => [CENTER.lon + 0.002, CENTER.lat + n * 0.0002];
const kaukotie = (n: number): Position => [CENTER.lon + 0.04, CENTER.lat + n * 0.0002];

/** Shoelace sum, positive for a counter-clockwise ring (computed here, not with the code under test). */
const signedArea = (ring: Position[]) =>
  ring.slice(1).reduce((sum, p, i) => sum + (ring[i]![0]! * p[1]! - p[0]! * ring[i]![1]!), 0);

const decimals = (v: number) => (String(v).split('.')[1] ?? '').length;

describeEachDatabase('incident shapes', (t) => {
  let tenant: Tenant;
  let auth: Record<string, string>;
  const url = (path: string) => `/api/t/${tenant.slug}${path}`;
  const open = async (payload: Record<string, unknown>) => {
    const response = await t().app.inject({
      method: 'POST',
      url: url('/incidents'),
      headers: auth,
      payload: { service: 'water', kind: 'sudden', published: true, ...payload },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; geometry: MultiPolygon | null; selectionGeometry: MultiPolygon | null };
  };
  const inside = (geometry: MultiPolygon, p: Position) => booleanPointInPolygon(p, geometry);

  beforeAll(async () => {
    tenant = await buildTown(t().context);
    auth = await tokenHeaders(t().context, tenant);
  });

  it('gives a street stretch and a postal code the shape of their addresses, and keeps matching by address', async () => {
    const street = await open({ title: 'Koulukatu 3–8', streets: [{ street: 'Koulukatu', from: 3, to: 8 }] });
    expect(street.geometry).toBeNull();
    const shape = street.selectionGeometry!;
    // Odd and even sides buffered together: one shape where they meet, not two overlapping ones.
    expect(shape.coordinates).toHaveLength(1);
    for (let n = 3; n <= 8; n++) expect(inside(shape, koulukatu(n)), `Koulukatu ${n}`).toBe(true);
    for (const outside of [koulukatu(11), puistokatu(5), kaukotie(5)]) expect(inside(shape, outside)).toBe(false);
    const read = await t().app.inject({ url: url(`/incidents/${street.id}`), headers: auth });
    expect(read.json().selectionGeometry).toEqual(shape);

    const postal = await open({ title: '35840', postalCodes: ['35840'] });
    for (let n = 1; n <= 12; n++) expect(inside(postal.selectionGeometry!, kaukotie(n)), `Kaukotie ${n}`).toBe(true);
    expect(inside(postal.selectionGeometry!, puistokatu(5))).toBe(false);

    // The shape is drawn only: Koulukatu 2 lies within its reach but outside the numbers asked for.
    const check = await t().app.inject({ url: url(`/public/check?address=${encodeURIComponent('Koulukatu 2')}`) });
    expect(check.json()).toMatchObject({ affected: false });
    const affected = await t().app.inject({ url: url(`/public/check?address=${encodeURIComponent('Koulukatu 4')}`) });
    expect(affected.json()).toMatchObject({
      affected: true,
      incidents: [{ title: 'Koulukatu 3–8', status: 'active' }],
    });

    const unmatched = await open({ title: 'Nowhere', streets: [{ street: 'Olematontie' }] });
    expect(unmatched.selectionGeometry).toBeNull();
  });

  it('publishes every shape in incidents.geojson as RFC 7946 wants it, and GDAL reads it', async () => {
    // A drawn polygon given clockwise with a hole given counter-clockwise, and over-precise positions.
    const shell = [
      [24.6101234567, 62.02],
      [24.6101234567, 62.025],
      [24.615, 62.025],
      [24.615, 62.02],
      [24.6101234567, 62.02],
    ];
    const hole = [
      [24.611, 62.021],
      [24.614, 62.021],
      [24.614, 62.024],
      [24.611, 62.024],
      [24.611, 62.021],
    ];
    await open({ title: 'Drawn', area: { type: 'Polygon', coordinates: [shell, hole] } });
    const response = await t().app.inject({ url: url('/public/incidents.geojson') });
    expect(response.headers['content-type']).toContain('application/geo+json');
    const collection = response.json() as {
      features: Array<{ bbox: number[]; geometry: MultiPolygon | null; properties: { title: string } }>;
    };
    const titles = collection.features.map((f) => f.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['Koulukatu 3–8', '35840', 'Drawn']));
    for (const feature of collection.features.filter((f) => f.properties.title !== 'Nowhere')) {
      const geometry = feature.geometry!;
      expect(geometry.type, feature.properties.title).toBe('MultiPolygon');
      const positions = geometry.coordinates.flat(2);
      for (const [lon, lat] of positions) {
        expect(decimals(lon!)).toBeLessThanOrEqual(6);
        expect(decimals(lat!)).toBeLessThanOrEqual(6);
      }
      const lons = positions.map((p) => p[0]!);
      const lats = positions.map((p) => p[1]!);
      expect(feature.bbox).toEqual([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]);
      for (const polygon of geometry.coordinates) {
        polygon.forEach((ring, i) => {
          expect(ring[0], 'closed').toEqual(ring.at(-1));
          expect(Math.sign(signedArea(ring)), `${feature.properties.title} ring ${i}`).toBe(i === 0 ? 1 : -1);
        });
      }
    }
    const drawn = collection.features.find((f) => f.properties.title === 'Drawn')!.geometry!;
    expect(drawn.coordinates[0]).toHaveLength(2);
    expect(drawn.coordinates[0]![0]![0]).toEqual([24.610123, 62.02]);

    const summary = ogrSummary(response.body);
    expect(summary).toMatch(new RegExp(`Feature Count: ${collection.features.length}\\b`));
    expect(summary).toMatch(/Geometry: (Multi Polygon|Unknown \(any\))/);
    expect(summary).toContain('title: String');
  });

  it('publishes a street stretch as a CAP polygon around its houses, valid against the schema', async () => {
    const { id } = await open({
      title: 'Puistokatu 2–6',
      streets: [{ street: 'Puistokatu', from: 2, to: 6, side: 'even' }],
    });
    const alert = (await t().app.inject({ url: url(`/public/incidents/${id}/cap.xml`) })).body;
    validateCap(alert);
    const polygons = [...alert.matchAll(/<polygon>([^<]*)<\/polygon>/g)].map((m) =>
      m[1]!.split(' ').map((pair) => pair.split(',').map(Number).reverse()),
    );
    expect(polygons.length).toBeGreaterThan(0);
    const shape: MultiPolygon = { type: 'MultiPolygon', coordinates: polygons.map((ring) => [ring]) };
    for (const n of [2, 4, 6]) expect(inside(shape, puistokatu(n)), `Puistokatu ${n}`).toBe(true);
    expect(inside(shape, puistokatu(10))).toBe(false);
  });

  it('leaves an incident drawn only without a street shape', async () => {
    const drawn = await open({ title: 'Square', area: square(CENTER.lon, CENTER.lat, 0.001) });
    expect(drawn.selectionGeometry).toBeNull();
    expect(drawn.geometry?.type).toBe('MultiPolygon');
  });
});
