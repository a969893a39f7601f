/**
 * Benchmark data: 20 generated towns (one tenant each) at real Finnish town centres, with that
 * municipality's real postal codes, written as aviso CSV files. Deterministic, so a file generated once
 * is reused by later runs (the directory name carries the parameters).
 *
 *   npx tsx bench/generate.ts [DIR]     writes the files and prints where
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { Polygon } from 'geojson';
import { municipalities } from '../src/demo/postal-codes.js';
import { generateTown, toAvisoCsv, townServiceArea } from '../src/demo/town.js';

interface TownSite {
  code: string;
  slug: string;
  centre: readonly [lon: number, lat: number];
  /** Bilingual municipalities give their streets Swedish names too. */
  swedish: boolean;
}

// Municipality code (Statistics Finland), approximate centre; the bilingual ones are marked.
const SITES: readonly TownSite[] = [
  { code: '091', slug: 'helsinki', centre: [24.94, 60.17], swedish: true },
  { code: '049', slug: 'espoo', centre: [24.66, 60.21], swedish: true },
  { code: '837', slug: 'tampere', centre: [23.76, 61.5], swedish: false },
  { code: '092', slug: 'vantaa', centre: [25.04, 60.29], swedish: true },
  { code: '564', slug: 'oulu', centre: [25.47, 65.01], swedish: false },
  { code: '853', slug: 'turku', centre: [22.27, 60.45], swedish: true },
  { code: '179', slug: 'jyvaskyla', centre: [25.75, 62.24], swedish: false },
  { code: '297', slug: 'kuopio', centre: [27.68, 62.89], swedish: false },
  { code: '398', slug: 'lahti', centre: [25.66, 60.98], swedish: false },
  { code: '609', slug: 'pori', centre: [21.8, 61.48], swedish: false },
  { code: '286', slug: 'kouvola', centre: [26.7, 60.87], swedish: false },
  { code: '167', slug: 'joensuu', centre: [29.76, 62.6], swedish: false },
  { code: '405', slug: 'lappeenranta', centre: [28.19, 61.06], swedish: false },
  { code: '109', slug: 'hameenlinna', centre: [24.46, 61.0], swedish: false },
  { code: '905', slug: 'vaasa', centre: [21.62, 63.1], swedish: true },
  { code: '743', slug: 'seinajoki', centre: [22.84, 62.79], swedish: false },
  { code: '698', slug: 'rovaniemi', centre: [25.73, 66.5], swedish: false },
  { code: '491', slug: 'mikkeli', centre: [27.27, 61.69], swedish: false },
  { code: '638', slug: 'porvoo', centre: [25.66, 60.39], swedish: true },
  { code: '508', slug: 'mantta', centre: [24.62, 62.03], swedish: false },
];

/** A town of ~50,000 addresses: streets of ~40 houses, built up within this radius. */
const RADIUS_METRES = 8000;
const ADDRESSES_PER_STREET = 40;

export interface BenchTown {
  slug: string;
  name: string;
  municipality: string;
  swedish: boolean;
  serviceArea: Polygon;
  postalCodes: Array<[code: string, town: string]>;
  addresses: number;
  /** The town's aviso CSV file. */
  file: string;
}

export interface GenerateOptions {
  towns: number;
  addressesPerTown: number;
  /** Parent directory; the data goes in a subdirectory named after the parameters. */
  dir?: string;
}

export function benchTowns(options: GenerateOptions): BenchTown[] {
  if (options.towns > SITES.length) throw new Error(`at most ${SITES.length} towns`);
  const dir = join(
    options.dir ?? join(tmpdir(), 'aviso-bench'),
    `addresses-v1-${options.towns}x${options.addressesPerTown}`,
  );
  const byCode = new Map(municipalities().map((m) => [m.code, m]));
  return SITES.slice(0, options.towns).map((site) => {
    const municipality = byCode.get(site.code);
    if (!municipality) throw new Error(`no postal codes for municipality ${site.code}`);
    return {
      slug: site.slug,
      name: `${municipality.name} (bench)`,
      municipality: municipality.name,
      swedish: site.swedish,
      // 20 % beyond the built-up radius: streets start inside 80 % of it and run a few hundred metres.
      serviceArea: townServiceArea(site.centre, RADIUS_METRES * 1.2),
      postalCodes: municipality.postalCodes,
      addresses: options.addressesPerTown,
      file: join(dir, `${site.slug}.csv`),
    };
  });
}

/** Writes every town's file that is not there yet; returns the towns. */
export async function generateBenchData(options: GenerateOptions): Promise<BenchTown[]> {
  const towns = benchTowns(options);
  for (const [index, town] of towns.entries()) {
    if (existsSync(town.file)) continue;
    mkdirSync(join(town.file, '..'), { recursive: true });
    const site = SITES[index]!;
    const records = generateTown({
      seed: 1000 + Number(site.code),
      centre: site.centre,
      radiusMetres: RADIUS_METRES,
      streets: Math.ceil(town.addresses / ADDRESSES_PER_STREET),
      addresses: town.addresses,
      postalCodes: town.postalCodes,
      municipality: town.municipality,
      idPrefix: `${site.slug}-`,
      swedish: site.swedish,
    });
    // Written to a temporary name first so that an interrupted run never leaves half a file behind.
    await pipeline(Readable.from(inChunks(toAvisoCsv(records), 2000)), createWriteStream(`${town.file}.tmp`));
    renameSync(`${town.file}.tmp`, town.file);
  }
  return towns;
}

/** Joins lines into larger chunks: a stream of 1,000,000 tiny strings is needlessly slow. */
function* inChunks(lines: Iterable<string>, size: number): Generator<string> {
  let chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length >= size) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const towns = await generateBenchData({
    towns: SITES.length,
    addressesPerTown: 50_000,
    ...(process.argv[2] ? { dir: process.argv[2] } : {}),
  });
  console.log(`${towns.length} towns in ${join(towns[0]!.file, '..')}`);
}
