/**
 * Generates a plausible water network as GeoJSON features: mains on a square grid (loops everywhere), each
 * line between two junctions laid as a few pipes,
 * some grid pipes left out (dead ends and longer ways round), valves on a share of the pipes (a few
 * normally closed, a few that cannot be operated), sources on the edge. Deterministic for a seed. Used by
 * the demo town and the network benchmark, which also places houses along the pipes (`gridHouses`).
 */
import type { AddressRecord } from '../modules/addresses/address.parse.js';
import { seededRandom } from './random.js';

export interface PipeGridOptions {
  seed: number;
  centre: readonly [lon: number, lat: number];
  /** Nodes per side: (n − 1) · n · 2 pipes before some are left out. */
  nodesPerSide: number;
  spacingMetres: number;
  /** Pipe features each grid line between two junctions is made of (real mains are laid in lengths). */
  piecesPerBlock: number;
  /** Share of grid pipes left out. */
  dropShare: number;
  /** Share of the lines between two junctions with a valve at their middle. */
  valveShare: number;
  closedShare: number;
  inoperableShare: number;
  sources: number;
}

interface GridPipe {
  id: string;
  from: [number, number];
  to: [number, number];
  /** The pipes of one line between two junctions, in order. */
  pieces: Array<{ id: string; from: [number, number]; to: [number, number] }>;
}

const round = (v: number) => Math.round(v * 1e7) / 1e7;

function frame(options: Pick<PipeGridOptions, 'centre' | 'nodesPerSide' | 'spacingMetres'>) {
  const [lon0, lat0] = options.centre;
  const kx = Math.cos((lat0 * Math.PI) / 180) * 111_320;
  const half = ((options.nodesPerSide - 1) * options.spacingMetres) / 2;
  return (x: number, y: number): [number, number] => [
    round(lon0 + (x - half) / kx),
    round(lat0 + (y - half) / 111_320),
  ];
}

/** The grid's pipes, as positions in metres, with the left-out ones gone. */
function* gridPipes(options: PipeGridOptions): Generator<GridPipe> {
  const random = seededRandom(options.seed);
  const n = options.nodesPerSide;
  const s = options.spacingMetres;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      for (const [di, dj, axis] of [
        [1, 0, 'e'],
        [0, 1, 'n'],
      ] as const) {
        if (i + di >= n || j + dj >= n) continue;
        // Row 0 is where the sources stand: kept whole, so that every source feeds the grid.
        if (j > 0 && random() < options.dropShare) continue;
        const k = options.piecesPerBlock;
        const point = (t: number): [number, number] => [(i + di * t) * s, (j + dj * t) * s];
        const pieces = Array.from({ length: k }, (_, p) => ({
          id: `p-${i}-${j}-${axis}${k > 1 ? `-${p + 1}` : ''}`,
          from: point(p / k),
          to: point((p + 1) / k),
        }));
        yield { id: `${i}-${j}-${axis}`, from: point(0), to: point(1), pieces };
      }
    }
  }
}

/** The network as GeoJSON features (pipes, valves, sources), one at a time. */
export function* generatePipeGrid(options: PipeGridOptions): Generator<object> {
  const random = seededRandom(options.seed + 1);
  const place = frame(options);
  const valves: object[] = [];
  for (const pipe of gridPipes(options)) {
    const diameter = random() < 0.2 ? 300 : 150;
    const material = random() < 0.5 ? 'PE' : 'cast iron';
    for (const piece of pipe.pieces) {
      yield {
        type: 'Feature',
        properties: { id: piece.id, diameter, material },
        geometry: { type: 'LineString', coordinates: [place(...piece.from), place(...piece.to)] },
      };
    }
    if (random() >= options.valveShare) continue;
    const roll = random();
    const state = roll < options.closedShare ? 'closed' : 'open';
    const operable = !(roll >= options.closedShare && roll < options.closedShare + options.inoperableShare);
    // The middle of the middle piece (never on a joint between pieces).
    const piece = pipe.pieces[Math.floor(pipe.pieces.length / 2)]!;
    const middle = place((piece.from[0] + piece.to[0]) / 2, (piece.from[1] + piece.to[1]) / 2);
    valves.push({
      type: 'Feature',
      properties: { id: `v-${pipe.id}`, state, operable },
      geometry: { type: 'Point', coordinates: middle },
    });
  }
  yield* valves;
  const n = options.nodesPerSide;
  for (let k = 0; k < options.sources; k++) {
    const i = Math.round(((k + 0.5) / options.sources) * (n - 1));
    yield {
      type: 'Feature',
      properties: { id: `source-${k + 1}`, kind: 'source' },
      geometry: { type: 'Point', coordinates: place(i * options.spacingMetres, 0) },
    };
  }
}

/** `perPipe` houses along every line between two junctions of the grid, 10 m to its side, on streets named after the grid lines. */
export function* gridHouses(options: PipeGridOptions, perPipe: number): Generator<AddressRecord> {
  const place = frame(options);
  let emitted = 0;
  for (const pipe of gridPipes(options)) {
    const [x0, y0] = pipe.from;
    const [x1, y1] = pipe.to;
    const eastward = y0 === y1;
    const line = eastward ? y0 / options.spacingMetres : x0 / options.spacingMetres;
    for (let h = 0; h < perPipe; h++) {
      const along = (h + 0.5) / perPipe;
      const x = x0 + (x1 - x0) * along + (eastward ? 0 : 10);
      const y = y0 + (y1 - y0) * along + (eastward ? 10 : 0);
      const [lon, lat] = place(x, y);
      const number = Math.round((eastward ? x : y) / 10) + 1;
      emitted++;
      yield {
        sourceId: `g-${emitted}`,
        street: `${eastward ? 'Itäinen' : 'Pohjoinen'} linja ${line + 1}`,
        streetSv: null,
        number: String(number),
        postalCode: '35800',
        postalTown: 'Mänttä',
        municipality: 'Mänttä-Vilppula',
        propertyId: null,
        buildingId: null,
        lon,
        lat,
      };
    }
  }
}
