/**
 * Reads a tenant's register for the in-memory index: whole (table by table, in chunks of rows into the
 * builder), or a few contacts again after they changed. Tenant id first, always.
 */
import type { Compilable, Kysely } from 'kysely';
import { rowChunks } from '../../db/row-chunks.js';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { ChangeLogRepository } from '../register/change-log.repository.js';
import { RegisterIndexBuilder, type ContactState, type RegisterIndex } from './register-index.js';
import type { CandidateEndpoint } from './recipients.js';

const CONTACT_FIELDS = ['id', 'kind', 'source', 'birth_date as birthDate', 'language', 'priority'] as const;

export function registerIndexRepository(db: Kysely<Database>, changes: Pick<ChangeLogRepository, 'revision'>) {
  return {
    async load(tenantId: TenantId): Promise<RegisterIndex> {
      // The revision first: a change committed while the tables are read is then applied (again) later.
      const revision = await changes.revision(tenantId);
      const count = async (table: 'addresses' | 'contacts' | 'contact_addresses' | 'contact_endpoints') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('tenant_id', '=', tenantId)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const builder = new RegisterIndexBuilder({
        addresses: await count('addresses'),
        contacts: await count('contacts'),
        links: await count('contact_addresses'),
        endpoints: await count('contact_endpoints'),
      });
      const chunks = <O>(query: Compilable<O>) => rowChunks(db, query);
      for await (const rows of chunks(
        db
          .selectFrom('addresses')
          .select(['id', 'lon', 'lat', 'street', 'street_sv as streetSv', 'number'])
          .where('tenant_id', '=', tenantId),
      ))
        for (const r of rows) builder.addAddress(r);
      for await (const rows of chunks(
        db.selectFrom('contacts').select(CONTACT_FIELDS).where('tenant_id', '=', tenantId),
      ))
        for (const r of rows) builder.addContact(r);
      const links = db
        .selectFrom('contact_addresses')
        .select(['address_id as addressId', 'contact_id as contactId', 'active'])
        .where('tenant_id', '=', tenantId);
      for await (const rows of chunks(links)) for (const r of rows) builder.addLink(r);
      const endpoints = db
        .selectFrom('contact_endpoints')
        .select(['contact_id as contactId', 'type', 'value', 'source', 'verified'])
        .where('tenant_id', '=', tenantId);
      for await (const rows of chunks(endpoints)) for (const r of rows) builder.addEndpoint(r);
      return builder.build(revision);
    },

    /** The current state of these contacts (a deleted one comes back with a null contact). */
    async contactStates(tenantId: TenantId, ids: readonly string[]): Promise<ContactState[]> {
      if (ids.length === 0) return [];
      const list = [...ids];
      const contacts = await db
        .selectFrom('contacts')
        .select(CONTACT_FIELDS)
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', list)
        .execute();
      const endpoints = await db
        .selectFrom('contact_endpoints')
        .select(['contact_id as contactId', 'type', 'value', 'source', 'verified'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', list)
        .execute();
      const links = await db
        .selectFrom('contact_addresses')
        .select(['contact_id as contactId', 'address_id as addressId', 'active'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', list)
        .execute();
      const byId = new Map(contacts.map((c) => [c.id, c]));
      return list.map((id) => ({
        id,
        contact: byId.get(id) ?? null,
        endpoints: endpoints.filter((e): e is CandidateEndpoint => e.contactId === id),
        links: links.filter((l) => l.contactId === id),
      }));
    },
  };
}

export type RegisterIndexRepository = ReturnType<typeof registerIndexRepository>;
