/**
 * A small hand-made water network with known answers, in metres east (x) and north (y) of a centre:
 *
 *                    S2 (200,300)
 *                     |  V12
 *            E (200,200) ──P4── V4 ── D (400,200) ──P7── V7 (closed) ── G (600,200)
 *            |                        |
 *           P5  V5 (cannot be operated) P3  V3
 *            |                        |
 *  S1 ─P1─ V1 ─ B (200,0) ──P2── V2 ── C (400,0) ─P6─ V6 ──── F (600,0) ─P10─ (700,0)   P11 (701,0)→(800,0)
 *
 * P10 starts 0.3 m from F (joined at the 0.5 m tolerance); P11 starts 1 m from P10's end (not joined: a
 * disconnected piece). One house beside every piece of pipe, named after it (`h-p2b`: P2, the piece past
 * its valve), one far from every pipe, and `h-x`, nearest P4 but connected to P5 by the customer system.
 */
import { Readable } from 'node:stream';
import type { Context } from '../../src/context.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { AVISO_HEADER, importCsv } from '../factories.js';

export const CENTRE = { lon: 24.62, lat: 62.03 } as const;
const KX = Math.cos((CENTRE.lat * Math.PI) / 180) * 111_320;
const KY = 111_320;

/** A point `x` metres east and `y` north of the centre, as [lon, lat]. */
export const at = (x: number, y: number): [number, number] => [
  Math.round((CENTRE.lon + x / KX) * 1e7) / 1e7,
  Math.round((CENTRE.lat + y / KY) * 1e7) / 1e7,
];

const pipe = (id: string, points: Array<[number, number]>, properties: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties: { id, diameter: 150, material: 'PVC', ...properties },
  geometry: { type: 'LineString', coordinates: points.map(([x, y]) => at(x, y)) },
});
const valve = (id: string, x: number, y: number, properties: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties: { id, state: 'open', operable: true, ...properties },
  geometry: { type: 'Point', coordinates: at(x, y) },
});
const source = (id: string, x: number, y: number) => ({
  type: 'Feature',
  properties: { id, kind: 'source' },
  geometry: { type: 'Point', coordinates: at(x, y) },
});

export function networkFeatures(options: { withoutP10?: boolean } = {}) {
  return [
    source('S1', 0, 0),
    source('S2', 200, 300),
    pipe('P1', [
      [0, 0],
      [200, 0],
    ]),
    pipe('P2', [
      [200, 0],
      [300, 0],
      [400, 0],
    ]),
    pipe('P3', [
      [400, 0],
      [400, 200],
    ]),
    pipe('P4', [
      [400, 200],
      [200, 200],
    ]),
    pipe(
      'P5',
      [
        [200, 200],
        [200, 0],
      ],
      { pressureZone: 'low' },
    ),
    pipe('P6', [
      [400, 0],
      [600, 0],
    ]),
    pipe('P7', [
      [400, 200],
      [600, 200],
    ]),
    ...(options.withoutP10
      ? []
      : [
          pipe('P10', [
            [600.3, 0],
            [700, 0],
          ]),
        ]),
    pipe('P11', [
      [701, 0],
      [800, 0],
    ]),
    pipe('P12', [
      [200, 300],
      [200, 200],
    ]),
    valve('V1', 150, 0),
    valve('V2', 300, 0),
    valve('V3', 400, 100),
    valve('V4', 300, 200),
    valve('V5', 200, 100, { operable: false }),
    valve('V6', 420, 0),
    valve('V7', 500, 200, { state: 'closed' }),
    valve('V12', 200, 250),
  ];
}

export const collection = (features: unknown[]) =>
  Readable.from([JSON.stringify({ type: 'FeatureCollection', features })]);

const HOUSES: Array<[string, number, number]> = [
  ['h-p1', 50, 10],
  ['h-p2a', 250, -10],
  ['h-p2b', 350, -10],
  ['h-p3a', 410, 50],
  ['h-p3b', 410, 150],
  ['h-p4a', 350, 210],
  ['h-p4b', 250, 210],
  ['h-p5a', 190, 150],
  ['h-p5b', 190, 50],
  ['h-p6a', 410, -10],
  ['h-p6b', 500, -10],
  ['h-p10', 650, 10],
  ['h-p7a', 450, 210],
  ['h-p7b', 550, 210],
  ['h-p11', 750, 10],
  ['h-far', 2000, 2000],
  ['h-x', 250, 190],
];

/** The houses as an address register; `h-x` names P5 in the explicit connections. */
export async function importHouses(context: Context, tenant: Tenant): Promise<void> {
  const rows = HOUSES.map(([id, x, y], i) => {
    const [lon, lat] = at(x, y);
    return [id, 'Verkkokatu', 'Nätgatan', String(i + 1), '35800', 'Mänttä', 'Mänttä-Vilppula', '', '', lat, lon].join(
      ',',
    );
  });
  await importCsv(context, tenant, [AVISO_HEADER, ...rows]);
}

export const EXPLICIT = new Map([['h-x', 'P5']]);
