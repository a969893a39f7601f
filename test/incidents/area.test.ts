/** Affected areas: each kind of shape, streets, postal codes, and the refusals with their reasons. Pure. */
import { describe, expect, it } from 'vitest';
import { areaMatcher, parseAffectedArea, type AreaAddress } from '../../src/modules/incidents/area.js';
import { polygonsTest } from '../../src/modules/incidents/polygon-index.js';
import { square } from '../factories.js';

const serviceArea = square(24.62, 62.03, 0.1);
const limits = { maxVertices: 100, serviceArea };
const at = (lon: number, lat: number, over: Partial<AreaAddress> = {}): AreaAddress => ({
  lon,
  lat,
  streetKey: 'koulukatu',
  streetKeySv: 'skolgatan',
  numberInt: 1,
  postalCode: '35800',
  ...over,
});
const matches = (input: Parameters<typeof parseAffectedArea>[0], address: AreaAddress) =>
  areaMatcher(parseAffectedArea(input, limits))(address);

describe('affected areas', () => {
  it('tests points against polygons with holes and multipolygons', () => {
    const holed = {
      type: 'Polygon' as const,
      coordinates: [square(0, 0, 2).coordinates[0]!, square(0, 0, 1).coordinates[0]!],
    };
    const test = polygonsTest([holed, { type: 'MultiPolygon', coordinates: [square(10, 0, 1).coordinates] }]);
    expect([test(1.5, 0), test(0, 0), test(10, 0.5), test(5, 0), test(2.5, 0)]).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it('agrees with a brute-force ray cast on a 1,000-vertex polygon', () => {
    const ring: number[][] = [];
    for (let i = 0; i < 1000; i++) {
      const angle = (i / 1000) * 2 * Math.PI;
      const r = 1 + 0.3 * Math.sin(angle * 7);
      ring.push([Math.cos(angle) * r, Math.sin(angle) * r]);
    }
    ring.push(ring[0]!);
    const test = polygonsTest([{ type: 'Polygon', coordinates: [ring] }]);
    const brute = (x: number, y: number) => {
      let inside = false;
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i] as [number, number];
        const [x2, y2] = ring[i + 1] as [number, number];
        if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
      }
      return inside;
    };
    for (let i = 0; i < 5000; i++) {
      const x = Math.sin(i * 12.9898) * 1.4;
      const y = Math.cos(i * 78.233) * 1.4;
      expect(test(x, y)).toBe(brute(x, y));
    }
  });

  it('takes a circle as a point with a radius in metres', () => {
    const circle = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [24.62, 62.03] },
      properties: { radius: 100 },
    };
    expect(matches({ area: circle }, at(24.62, 62.0308))).toBe(true); // ~89 m north
    expect(matches({ area: circle }, at(24.62, 62.0311))).toBe(false); // ~122 m north
  });

  it('takes a line with a buffer in metres (the pipe that is shut)', () => {
    const pipe = {
      type: 'Feature',
      geometry: {
        type: 'LineString',
        coordinates: [
          [24.6, 62.03],
          [24.64, 62.03],
        ],
      },
      properties: { buffer: 50 },
    };
    expect(matches({ area: pipe }, at(24.62, 62.0304))).toBe(true); // ~45 m from the line
    expect(matches({ area: pipe }, at(24.62, 62.0306))).toBe(false); // ~67 m
    expect(matches({ area: pipe }, at(24.66, 62.03))).toBe(false); // beyond its end
  });

  it('selects streets by number range and side, in either language, and postal codes', () => {
    const far = [30, 70] as const;
    const odd = { streets: [{ street: 'Skolgatan', from: 1, to: 9, side: 'odd' as const }] };
    expect(matches(odd, at(...far, { numberInt: 7 }))).toBe(true);
    expect(matches(odd, at(...far, { numberInt: 8 }))).toBe(false);
    expect(matches(odd, at(...far, { numberInt: 11 }))).toBe(false);
    expect(matches({ streets: [{ street: 'KOULUKATU', side: 'even' }] }, at(...far, { numberInt: 8 }))).toBe(true);
    expect(matches({ postalCodes: ['35800'] }, at(...far))).toBe(true);
    expect(matches({ postalCodes: ['35820'] }, at(...far))).toBe(false);
  });

  it.each([
    [
      'a self-intersecting ring',
      {
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [24.6, 62],
              [24.7, 62.1],
              [24.7, 62],
              [24.6, 62.1],
              [24.6, 62],
            ],
          ],
        },
      },
      /intersects itself/,
    ],
    [
      'coordinates out of range',
      {
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [24.6, 62],
              [240, 62],
              [24.7, 62.1],
              [24.6, 62],
            ],
          ],
        },
      },
      /WGS84/,
    ],
    [
      'more vertices than the tenant allows',
      {
        area: {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: Array.from({ length: 101 }, (_, i) => [24.6 + i * 0.0001, 62.03]),
          },
          properties: { buffer: 10 },
        },
      },
      /more than 100 vertices/,
    ],
    ['an area entirely outside the service area', { area: square(25.5, 62.03, 0.01) }, /outside the service area/],
    ['a point without a radius', { area: { type: 'Point', coordinates: [24.62, 62.03] } }, /radius/],
    [
      'a line without a buffer',
      {
        area: {
          type: 'LineString',
          coordinates: [
            [24.6, 62.03],
            [24.61, 62.03],
          ],
        },
      },
      /buffer/,
    ],
    [
      'a circle too large',
      {
        area: {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [24.62, 62.03] },
          properties: { radius: 1e9 },
        },
      },
      /radius/,
    ],
    [
      'a hole outside its outer ring',
      {
        area: {
          type: 'Polygon',
          coordinates: [square(24.62, 62.03, 0.01).coordinates[0]!, square(24.7, 62.03, 0.005).coordinates[0]!],
        },
      },
      /hole of the area lies outside its outer ring/,
    ],
    ['an empty polygon', { area: { type: 'Polygon', coordinates: [] } }, /the area is empty/],
    ['an empty multipolygon', { area: { type: 'MultiPolygon', coordinates: [] } }, /the area is empty/],
    ['nothing at all', {}, /give an area, streets or postal codes/],
    ['a bad postal code', { postalCodes: ['358'] }, /5 digits/],
  ])('refuses %s', (_name, input, reason) => {
    expect(() => parseAffectedArea(input, limits)).toThrow(reason);
  });
});
