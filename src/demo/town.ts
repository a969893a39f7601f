/**
 * Generates a plausible Finnish town: streets with Finnish and Swedish names laid out around a centre,
 * house numbers odd on one side and even on the other, letters and staircases on some. Used by the demo
 * tenant and by the benchmarks' data generator.
 */
import type { Polygon } from 'geojson';
import type { AddressRecord } from '../modules/addresses/address.parse.js';
import { pick, seededRandom } from './random.js';

// Finnish stem → Swedish stem; suffix pairs below. Real names in Finnish towns are built this way.
const STEMS: ReadonlyArray<readonly [string, string]> = [
  ['Koulu', 'Skol'],
  ['Kirkko', 'Kyrko'],
  ['Puisto', 'Park'],
  ['Koivu', 'Björk'],
  ['Ranta', 'Strand'],
  ['Mylly', 'Kvarn'],
  ['Tehtaan', 'Fabriks'],
  ['Asema', 'Stations'],
  ['Järvi', 'Sjö'],
  ['Mänty', 'Tall'],
  ['Kallio', 'Berg'],
  ['Niitty', 'Ängs'],
  ['Pelto', 'Åker'],
  ['Metsä', 'Skogs'],
  ['Kuusi', 'Gran'],
  ['Lähde', 'Käll'],
  ['Satama', 'Hamn'],
  ['Silta', 'Bro'],
  ['Tori', 'Torg'],
  ['Linna', 'Slotts'],
  ['Pappila', 'Prästgårds'],
  ['Sairaala', 'Sjukhus'],
  ['Kanava', 'Kanal'],
  ['Kauppa', 'Handels'],
  ['Rauta', 'Järn'],
  ['Paja', 'Smedje'],
  ['Sauna', 'Bastu'],
  ['Vuori', 'Bergs'],
  ['Harju', 'Ås'],
  ['Lampi', 'Tjärn'],
  ['Saari', 'Holms'],
  ['Niemi', 'Udds'],
  ['Joki', 'Å'],
  ['Kivi', 'Sten'],
  ['Tammi', 'Ek'],
  ['Pihlaja', 'Rönn'],
  ['Haapa', 'Asp'],
  ['Leppä', 'Al'],
  ['Vaahtera', 'Lönn'],
  ['Kataja', 'En'],
  ['Kukkula', 'Kulle'],
  ['Laakso', 'Dal'],
  ['Kontti', 'Kont'],
  ['Honka', 'Fur'],
  ['Sepän', 'Smeds'],
  ['Mäntän', 'Mänttä'],
  ['Seppälän', 'Seppälä'],
  ['Uusi', 'Ny'],
  ['Vanha', 'Gamla'],
];
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['katu', 'gatan'],
  ['tie', 'vägen'],
  ['kuja', 'gränden'],
  ['polku', 'stigen'],
  ['raitti', 'gången'],
  ['väylä', 'leden'],
];

export interface TownOptions {
  seed: number;
  centre: readonly [lon: number, lat: number];
  /** Approximate radius of the built-up area in metres. */
  radiusMetres: number;
  streets: number;
  addresses: number;
  postalCodes: ReadonlyArray<readonly [code: string, town: string]>;
  municipality: string;
  /** Prefix for source ids, so several towns can share one file. */
  idPrefix: string;
  /** Give streets Swedish names too (bilingual municipality). */
  swedish: boolean;
}

const METRES_PER_DEGREE_LAT = 111_320;

export function townServiceArea(centre: readonly [number, number], radiusMetres: number): Polygon {
  const [lon0, lat0] = centre;
  const ring: number[][] = [];
  for (let i = 0; i < 16; i++) {
    const angle = (i / 16) * 2 * Math.PI;
    const dLat = (Math.sin(angle) * radiusMetres) / METRES_PER_DEGREE_LAT;
    const dLon = (Math.cos(angle) * radiusMetres) / (METRES_PER_DEGREE_LAT * Math.cos((lat0 * Math.PI) / 180));
    ring.push([round(lon0 + dLon), round(lat0 + dLat)]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

function streetNames(options: TownOptions, random: () => number): Array<[string, string | null]> {
  const names = new Map<string, string>();
  let attempt = 0;
  while (names.size < options.streets && attempt < options.streets * 50) {
    attempt++;
    const [fiStem, svStem] = pick(random, STEMS);
    const [fiSuffix, svSuffix] = pick(random, SUFFIXES);
    const extra = names.size >= STEMS.length * SUFFIXES.length ? ` ${1 + Math.floor(attempt / 300)}` : '';
    const fi = `${fiStem}${fiSuffix}${extra}`;
    if (!names.has(fi)) names.set(fi, `${svStem}${svSuffix}${extra}`);
  }
  return [...names].map(([fi, sv]) => [fi, options.swedish ? sv : null]);
}

/** Yields the town's addresses; deterministic for a given seed. */
export function* generateTown(options: TownOptions): Generator<AddressRecord> {
  const random = seededRandom(options.seed);
  const [lon0, lat0] = options.centre;
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((lat0 * Math.PI) / 180);
  const streets = streetNames(options, random);
  const perStreet = Math.max(1, Math.ceil(options.addresses / streets.length));
  let emitted = 0;
  for (let s = 0; s < streets.length && emitted < options.addresses; s++) {
    const [street, streetSv] = streets[s]!;
    // Streets start anywhere within 80 % of the radius and run in a random direction.
    const r = Math.sqrt(random()) * options.radiusMetres * 0.8;
    const a = random() * 2 * Math.PI;
    const bearing = random() * 2 * Math.PI;
    const startX = Math.cos(a) * r;
    const startY = Math.sin(a) * r;
    const [postalCode, postalTown] =
      options.postalCodes[
        Math.floor(((a + Math.PI) / (2 * Math.PI)) * options.postalCodes.length) % options.postalCodes.length
      ]!;
    for (let n = 1; n <= perStreet && emitted < options.addresses; n++) {
      const along = Math.ceil(n / 2) * 25;
      const side = n % 2 === 0 ? 12 : -12;
      const x = startX + Math.cos(bearing) * along - Math.sin(bearing) * side;
      const y = startY + Math.sin(bearing) * along + Math.cos(bearing) * side;
      const roll = random();
      const number =
        roll < 0.06
          ? `${n}${pick(random, ['a', 'b', 'c'])}`
          : roll < 0.1
            ? `${n} ${pick(random, ['A', 'B', 'C'])}`
            : String(n);
      emitted++;
      yield {
        sourceId: `${options.idPrefix}${emitted}`,
        street,
        streetSv,
        number,
        postalCode,
        postalTown,
        municipality: options.municipality,
        propertyId: `${options.idPrefix.replace(/\D/g, '').padStart(3, '5').slice(0, 3)}-${String(s + 1).padStart(3, '0')}-${String(n).padStart(4, '0')}-0001`,
        buildingId: `1${String(options.seed % 1000).padStart(3, '0')}${String(emitted).padStart(6, '0')}X`,
        lon: round(lon0 + x / metresPerDegreeLon),
        lat: round(lat0 + y / METRES_PER_DEGREE_LAT),
      };
    }
  }
}

const CSV_HEADER = 'id,street,street_sv,number,postal_code,postal_town,municipality,property_id,building_id,lat,lon';

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The aviso CSV layout of SPEC, one line per address. */
export function* toAvisoCsv(records: Iterable<AddressRecord>): Generator<string> {
  yield CSV_HEADER + '\n';
  for (const r of records) {
    yield (
      [
        r.sourceId,
        r.street,
        r.streetSv,
        r.number,
        r.postalCode,
        r.postalTown,
        r.municipality,
        r.propertyId,
        r.buildingId,
        r.lat,
        r.lon,
      ]
        .map(csvField)
        .join(',') + '\n'
    );
  }
}
