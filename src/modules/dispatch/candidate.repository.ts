/**
 * Reads what recipient resolution needs around an area, in the order that keeps a 200,000-address area
 * cheap: the addresses that may be inside (bounding box of the shapes on a covering `(tenant, lon, lat,
 * id)` index — points only; streets and postal codes by their indexes), then — for the addresses the
 * area really holds — their contact links, those contacts and their endpoints, each by a sorted id list
 * on a covering index (probes in key order, narrow rows, nothing read twice). Labels are read only for
 * the addresses that need one. The rules are the pure resolver's.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { DialectInfo } from '../../db/dialect.js';
import { foldText } from '../../lib/text.js';
import type { TenantId } from '../../lib/tenant-id.js';
import { polygonsBBox, type AffectedArea } from '../incidents/area.js';
import type { AddressLabelParts, CandidateAddress, CandidateContact, CandidateEndpoint, CandidateLink } from './recipients.js';

type AreaSelection = Pick<AffectedArea, 'polygons' | 'streets' | 'postalCodes'>;

/** Ids per statement: one bound parameter (a JSON array on SQLite, a text[] on PostgreSQL). */
const IDS_PER_QUERY = 50_000;

export function candidateRepository(db: Kysely<Database>, dialect: DialectInfo) {
  /** `column IN (ids)` with the ids as one parameter: the only place the two engines differ here. */
  const inIds = (column: string, ids: readonly string[]): RawBuilder<boolean> =>
    dialect.name === 'postgres'
      ? sql<boolean>`${sql.ref(column)} = any(${[...ids]}::text[])`
      : sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(ids)}))`;

  async function inChunks<T>(ids: readonly string[], read: (chunk: readonly string[]) => Promise<T[]>): Promise<T[]> {
    const sorted = [...ids].sort();
    const out: T[] = [];
    for (let i = 0; i < sorted.length; i += IDS_PER_QUERY) for (const row of await read(sorted.slice(i, i + IDS_PER_QUERY))) out.push(row);
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

    /** The contact links of these addresses, the contacts and their endpoints. */
    async registerOf(tenantId: TenantId, addressIds: readonly string[]): Promise<{ links: CandidateLink[]; contacts: CandidateContact[]; endpoints: CandidateEndpoint[] }> {
      // Selected under the resolver's names: the rows are used as they come, not copied.
      const links = await inChunks(addressIds, (chunk) =>
        db
          .selectFrom('contact_addresses')
          .select(['address_id as addressId', 'contact_id as contactId', 'active'])
          .where('tenant_id', '=', tenantId)
          .where(inIds('address_id', chunk))
          .execute(),
      );
      const contactIds = [...new Set(links.map((l) => l.contactId))];
      const contacts = await inChunks(contactIds, (chunk) =>
        db
          .selectFrom('contacts')
          .select(['id', 'kind', 'source', 'birth_date as birthDate', 'language', 'priority'])
          .where(inIds('id', chunk))
          .where('tenant_id', '=', tenantId)
          .execute(),
      );
      const endpoints = await inChunks(contactIds, (chunk) =>
        db
          .selectFrom('contact_endpoints')
          .select(['contact_id as contactId', 'type', 'value', 'source', 'verified'])
          .where(inIds('contact_id', chunk))
          .where('tenant_id', '=', tenantId)
          .execute(),
      );
      return { links, contacts, endpoints };
    },

    /** Street and number of these addresses, in both languages, for naming them in messages. */
    async labelsOf(tenantId: TenantId, addressIds: readonly string[]): Promise<Map<string, AddressLabelParts>> {
      const rows = await inChunks(addressIds, (chunk) =>
        db.selectFrom('addresses').select(['id', 'street', 'street_sv', 'number']).where('tenant_id', '=', tenantId).where(inIds('id', chunk)).execute(),
      );
      return new Map(rows.map((r) => [r.id, { street: r.street, streetSv: r.street_sv, number: r.number }]));
    },
  };
}

export type CandidateRepository = ReturnType<typeof candidateRepository>;
