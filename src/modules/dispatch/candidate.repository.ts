/**
 * What recipient resolution reads from the database rather than from the register index: addresses on
 * selected streets or in selected postal codes (by their indexes; the shapes are the index's), and the
 * street and number of the addresses a message names, by sorted id lists on the primary key.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { DialectInfo } from '../../db/dialect.js';
import { foldText } from '../../lib/text.js';
import type { TenantId } from '../../lib/tenant-id.js';
import { polygonsBBox, type AffectedArea } from '../incidents/area.js';
import type { AddressLabelParts, CandidateAddress } from './recipients.js';

type AreaSelection = Pick<AffectedArea, 'polygons' | 'streets' | 'postalCodes'>;

/** Ids per statement: one bound parameter (a JSON array on SQLite, a text[] on PostgreSQL). */
const IDS_PER_QUERY = 50_000;

export function candidateRepository(db: Kysely<Database>, dialect: DialectInfo) {
  /** `column IN (ids)` with the ids as one parameter: the only place the two engines differ here. */
  const inIds = (column: string, ids: readonly string[]): RawBuilder<boolean> =>
    dialect.name === 'postgres'
      ? sql<boolean>`${sql.ref(column)} = any(${[...ids]}::text[])`
      : sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(ids)}))`;

  /** The ids sorted (index probes in key order) and cut into statements. */
  function chunksOf(ids: readonly string[]): string[][] {
    const sorted = [...ids].sort();
    const chunks: string[][] = [];
    for (let i = 0; i < sorted.length; i += IDS_PER_QUERY) chunks.push(sorted.slice(i, i + IDS_PER_QUERY));
    return chunks;
  }

  async function inChunks<T>(chunks: readonly string[][], read: (chunk: readonly string[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const chunk of chunks) for (const row of await read(chunk)) out.push(row);
    return out;
  }

  const selected = db
    .selectFrom('addresses')
    .select(['id', 'lon', 'lat', 'number_int', 'postal_code', 'street_key', 'street_key_sv']);
  const toAddress = (r: { id: string; lon: number; lat: number; number_int: number | null; postal_code: string; street_key: string; street_key_sv: string | null }): CandidateAddress => ({
    id: r.id, lon: r.lon, lat: r.lat, numberInt: r.number_int, postalCode: r.postal_code, streetKey: r.street_key, streetKeySv: r.street_key_sv,
  });

  return {
    /** Addresses that may be inside the area: a superset (the bounding box), exact for streets and postal codes. */
    async addressesNear(tenantId: TenantId, area: AreaSelection): Promise<CandidateAddress[]> {
      const byId = new Map<string, CandidateAddress>();
      const bbox = polygonsBBox(area.polygons);
      if (bbox) {
        const [minLon, minLat, maxLon, maxLat] = bbox;
        const points = await db
          .selectFrom('addresses')
          .select(['id', 'lon', 'lat'])
          .where('tenant_id', '=', tenantId)
          .where('lon', '>=', minLon)
          .where('lon', '<=', maxLon)
          .where('lat', '>=', minLat)
          .where('lat', '<=', maxLat)
          .execute();
        // Points only (the shapes look at nothing else); the street and postal queries below bring full rows.
        for (const p of points) byId.set(p.id, p);
      }
      const keys = [...new Set(area.streets.map((s) => foldText(s.street)))];
      if (keys.length) {
        const rows = await selected.where('tenant_id', '=', tenantId).where((eb) => eb.or([eb('street_key', 'in', keys), eb('street_key_sv', 'in', keys)])).execute();
        for (const r of rows) byId.set(r.id, toAddress(r));
      }
      if (area.postalCodes.length) {
        const rows = await selected.where('tenant_id', '=', tenantId).where('postal_code', 'in', area.postalCodes).execute();
        for (const r of rows) byId.set(r.id, toAddress(r));
      }
      return [...byId.values()];
    },

    /** Street and number of these addresses, in both languages, for naming them in messages. */
    async labelsOf(tenantId: TenantId, addressIds: readonly string[]): Promise<Map<string, AddressLabelParts>> {
      const rows = await inChunks(chunksOf(addressIds), (chunk) =>
        db.selectFrom('addresses').select(['id', 'street', 'street_sv', 'number']).where('tenant_id', '=', tenantId).where(inIds('id', chunk)).execute(),
      );
      return new Map(rows.map((r) => [r.id, { street: r.street, streetSv: r.street_sv, number: r.number }]));
    },
  };
}

export type CandidateRepository = ReturnType<typeof candidateRepository>;
