/**
 * The SQL of the operators' residents search: contact ids by an exact number or email, a business id,
 * name words, or linked addresses. Tenant id first, always. The rows themselves are read through the
 * residents' own repositories (contact.repository.ts, contact-address.repository.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The ways a word can be written that a case-insensitive match must find: SQLite's lower() and LIKE fold
 * only ASCII, so `äijälä` would miss `Äijälä` — the typed, lower-case and capitalised forms cover it.
 */
function spellings(word: string): string[] {
  const lower = word.toLowerCase();
  return [...new Set([word, lower, lower.charAt(0).toUpperCase() + lower.slice(1)])];
}

export function residentSearchRepository(db: Kysely<Database>) {
  const names = sql<string>`coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(company_name, '') || ' ' || coalesce(contact_person, '')`;

  return {
    /** Contacts holding this exact stored value (E.164 number or lower-cased email). */
    async contactIdsByEndpoint(tenantId: TenantId, value: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('contact_endpoints')
        .select('contact_id')
        .distinct()
        .where('tenant_id', '=', tenantId)
        .where('value', '=', value)
        .orderBy('contact_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.contact_id);
    },

    async contactIdsByBusinessId(tenantId: TenantId, businessId: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('contacts')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('business_id', '=', businessId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    /** Contacts whose names hold every word (anywhere, any case); hidden names are not searched. */
    async contactIdsByName(tenantId: TenantId, words: string[], limit: number): Promise<string[]> {
      if (words.length === 0) return [];
      let query = db.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('name_hidden', '=', 0);
      for (const word of words) {
        query = query.where((eb) =>
          eb.or([
            eb(sql`lower(${names})`, 'like', sql<string>`${`%${likeEscape(word.toLowerCase())}%`} escape '\\'`),
            ...spellings(word).map((s) => eb(names, 'like', sql<string>`${`%${likeEscape(s)}%`} escape '\\'`)),
          ]),
        );
      }
      const rows = await query
        .orderBy('last_name')
        .orderBy('first_name')
        .orderBy('company_name')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    /** Contacts linked to any of these addresses (alerts on or off). */
    async contactIdsAtAddresses(tenantId: TenantId, addressIds: string[], limit: number): Promise<string[]> {
      if (addressIds.length === 0) return [];
      const rows = await db
        .selectFrom('contact_addresses')
        .select('contact_id')
        .distinct()
        .where('tenant_id', '=', tenantId)
        .where('address_id', 'in', addressIds)
        .orderBy('contact_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.contact_id);
    },
  };
}

export type ResidentSearchRepository = ReturnType<typeof residentSearchRepository>;
