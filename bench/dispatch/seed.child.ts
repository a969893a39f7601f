/**
 * Seeds (or finds already seeded) the dispatch benchmark's database, in its own process: one tenant with
 * 1,000,000 generated addresses imported through the real import path and 600,000 generated residents,
 * then picks the circle around the town centre that holds the wanted number of addresses.
 */
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import circle from '@turf/circle';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createContext } from '../../src/context.js';
import { generateTown, toAvisoCsv, townServiceArea } from '../../src/demo/town.js';
import { importAddresses } from '../../src/modules/addresses/address.import.js';
import { bulkInsert } from '../../src/db/bulk-insert.js';
import { polygonsTest } from '../../src/modules/incidents/polygon-index.js';
import type { Polygon } from 'geojson';
import { benchConfig } from '../lib/config.js';
import { childInput, peakRssMb, sendToParent } from '../lib/child.js';
import { CONTACT_COLUMNS, ENDPOINT_COLUMNS, generatePeople, LINK_COLUMNS } from './people.js';

export interface SeedInput {
  databaseUrl: string;
  schema: string | undefined;
  addresses: number;
  contacts: number;
  areaAddresses: number;
}

export interface Seeded {
  type: 'seeded';
  slug: string;
  reused: boolean;
  seconds: number;
  area: Polygon;
  addressesInArea: number;
  peakRssMb: number;
}

const SLUG = 'metro';
const CENTRE = [24.94, 60.17] as const;
const RADIUS_METRES = 14_000;

const input = childInput<SeedInput>();
const db = openDatabase(input.databaseUrl, input.schema ? { schema: input.schema, poolSize: 2 } : {});
await migrateToLatest(db);
const context = createContext(benchConfig(input.databaseUrl), db);
const started = performance.now();

async function count(table: 'addresses' | 'contacts', tenantId: string): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

let tenant = await context.tenants.findTenant(SLUG);
const reused =
  tenant !== undefined &&
  (await count('addresses', tenant.id)) === input.addresses &&
  (await count('contacts', tenant.id)) === input.contacts;
if (!reused) {
  if (tenant) throw new Error(`a partly seeded ${SLUG} tenant exists: drop the benchmark database first`);
  tenant = await context.tenants.createTenant({
    slug: SLUG,
    name: 'Metro (bench)',
    languages: ['fi', 'sv', 'en'],
    serviceArea: townServiceArea(CENTRE, RADIUS_METRES * 1.3),
  });
  const town = generateTown({
    seed: 4242,
    centre: CENTRE,
    radiusMetres: RADIUS_METRES,
    streets: Math.ceil(input.addresses / 40),
    addresses: input.addresses,
    postalCodes: [
      ['00100', 'Helsinki'],
      ['00200', 'Helsinki'],
      ['00500', 'Helsinki'],
      ['00700', 'Helsinki'],
    ],
    municipality: 'Helsinki',
    idPrefix: 'm-',
    swedish: true,
  });
  const report = await importAddresses(db, tenant, Readable.from(toAvisoCsv(town)), {
    format: 'aviso',
    now: Date.now(),
  });
  if (report.added !== input.addresses) throw new Error(`imported ${report.added} of ${input.addresses} addresses`);
  const ids = (await db.kysely.selectFrom('addresses').select('id').where('tenant_id', '=', tenant.id).execute()).map(
    (r) => r.id,
  );
  for (const rows of generatePeople(tenant.id, ids, input.contacts, 77, Date.now())) {
    await bulkInsert(db.kysely, db.engine, { table: 'contacts', columns: CONTACT_COLUMNS }, rows.contacts);
    await bulkInsert(db.kysely, db.engine, { table: 'contact_endpoints', columns: ENDPOINT_COLUMNS }, rows.endpoints);
    await bulkInsert(db.kysely, db.engine, { table: 'contact_addresses', columns: LINK_COLUMNS }, rows.links);
  }
  // Fresh tables: give the planners their statistics, as autovacuum (PostgreSQL) or a maintenance run would.
  await sql`analyze`.execute(db.kysely);
}

// The circle around the centre that holds `areaAddresses` addresses: the distance of that many-th nearest.
const points = await db.kysely
  .selectFrom('addresses')
  .select(['lon', 'lat'])
  .where('tenant_id', '=', tenant!.id)
  .execute();
const kx = Math.cos((CENTRE[1] * Math.PI) / 180) * 111_320;
const distances = Float64Array.from(points, (p) =>
  Math.hypot((p.lon - CENTRE[0]) * kx, (p.lat - CENTRE[1]) * 111_320),
).sort();
const radius = distances[Math.min(distances.length - 1, input.areaAddresses)]!;
const area = circle([...CENTRE], radius, { units: 'meters', steps: 64 }).geometry;
const inside = polygonsTest([area]);
const addressesInArea = points.reduce((n, p) => n + (inside(p.lon, p.lat) ? 1 : 0), 0);
await db.close();
const seeded: Seeded = {
  type: 'seeded',
  slug: SLUG,
  reused,
  seconds: (performance.now() - started) / 1000,
  area,
  addressesInArea,
  peakRssMb: peakRssMb(),
};
await sendToParent(seeded);
process.exit(0);
