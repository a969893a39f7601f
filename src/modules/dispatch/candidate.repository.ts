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

    /** The contact links of these addresses, the contacts of the active ones and their endpoints. */
    async registerOf(tenantId: TenantId, addressIds: readonly string[]): Promise<{ links: CandidateLink[]; contacts: CandidateContact[]; endpoints: CandidateEndpoint[] }> {
      // Selected under the resolver's names: the rows are used as they come, not copied.
      const links = await inChunks(chunksOf(addressIds), (chunk) =>
        db
          .selectFrom('contact_addresses')
          .select(['address_id as addressId', 'contact_id as contactId', 'active'])
          .where('tenant_id', '=', tenantId)
          .where(inIds('address_id', chunk))
          .execute(),
      );
      // Only contacts of active links: the resolver counts an inactive link as deactivated and looks no further.
      const contactIds = chunksOf([...new Set(links.filter((l) => l.active === 1).map((l) => l.contactId))]);
      // The contacts with their endpoints in one statement (a row per endpoint, one with nulls for a
      // contact without any): the id list is sent and looked up once, both probes in key order.
      const rows = await inChunks(contactIds, (chunk) =>
        db
          .selectFrom('contacts as c')
          .leftJoin('contact_endpoints as e', (j) => j.onRef('e.contact_id', '=', 'c.id').on('e.tenant_id', '=', tenantId))
          .select(['c.id', 'c.kind', 'c.source', 'c.birth_date as birthDate', 'c.language', 'c.priority', 'e.type', 'e.value', 'e.source as endpointSource', 'e.verified'])
          .where(inIds('c.id', chunk))
          .where('c.tenant_id', '=', tenantId)
          .execute(),
      );
      const contacts: CandidateContact[] = [];
      const endpoints: CandidateEndpoint[] = [];
      let last: string | undefined;
      for (const r of rows) {
        // A contact's rows come together (one probe of the endpoint index per contact); were they ever
        // apart, the contact would be listed twice, which the resolver's lookup by id does not mind.
        if (r.id !== last) {
          last = r.id;
          contacts.push({ id: r.id, kind: r.kind, source: r.source, birthDate: r.birthDate, language: r.language, priority: r.priority });
        }
        if (r.type !== null && r.value !== null && r.endpointSource !== null && r.verified !== null) {
          endpoints.push({ contactId: r.id, type: r.type, value: r.value, source: r.endpointSource, verified: r.verified });
        }
      }
      return { links, contacts, endpoints };
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
