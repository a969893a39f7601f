/** The SQL of pipe networks. Tenant id first, always. */
import type { Kysely } from 'kysely';
import { rowChunks } from '../../db/row-chunks.js';
import type { Database } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { ConnectionAddress } from './connections.js';
import type { PipeService, NetworkSummary } from './network.schemas.js';

export interface StoredNetwork {
  revision: number;
  importedAt: number;
  summary: NetworkSummary;
  data: Uint8Array;
}

export function networkRepository(db: Kysely<Database>) {
  return {
    /** The revision of the stored network, undefined when none was imported. */
    async revision(tenantId: TenantId, service: PipeService): Promise<number | undefined> {
      const row = await db
        .selectFrom('pipe_networks')
        .select('revision')
        .where('tenant_id', '=', tenantId)
        .where('service', '=', service)
        .executeTakeFirst();
      return row?.revision;
    },

    async load(tenantId: TenantId, service: PipeService): Promise<StoredNetwork | undefined> {
      const row = await db
        .selectFrom('pipe_networks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('service', '=', service)
        .executeTakeFirst();
      return (
        row && {
          revision: row.revision,
          importedAt: Number(row.imported_at),
          summary: JSON.parse(row.summary) as NetworkSummary,
          data: row.data,
        }
      );
    },

    /** The counts of every network the tenant has, without their data. */
    async list(
      tenantId: TenantId,
    ): Promise<Array<{ service: string; revision: number; importedAt: number; summary: NetworkSummary }>> {
      const rows = await db
        .selectFrom('pipe_networks')
        .select(['service', 'revision', 'imported_at', 'summary'])
        .where('tenant_id', '=', tenantId)
        .orderBy('service')
        .execute();
      return rows.map((r) => ({
        service: r.service,
        revision: r.revision,
        importedAt: Number(r.imported_at),
        summary: JSON.parse(r.summary) as NetworkSummary,
      }));
    },

    /** Replaces the tenant's network of the service (one statement each way: the old one stays until this commits); the new revision. */
    async replace(tenantId: TenantId, service: PipeService, network: Omit<StoredNetwork, 'revision'>): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('pipe_networks')
          .select('revision')
          .where('tenant_id', '=', tenantId)
          .where('service', '=', service)
          .executeTakeFirst();
        const revision = (current?.revision ?? 0) + 1;
        await trx
          .deleteFrom('pipe_networks')
          .where('tenant_id', '=', tenantId)
          .where('service', '=', service)
          .execute();
        await trx
          .insertInto('pipe_networks')
          .values({
            tenant_id: tenantId,
            service,
            revision,
            imported_at: network.importedAt,
            summary: JSON.stringify(network.summary),
            data: Buffer.from(network.data.buffer, network.data.byteOffset, network.data.byteLength),
          })
          .execute();
        return revision;
      });
    },

    /** Every address of the tenant with its point, in chunks (a million do not sit in memory as rows). */
    async *addressPoints(tenantId: TenantId): AsyncGenerator<ConnectionAddress[]> {
      const query = db
        .selectFrom('addresses')
        .select(['id', 'source_id as sourceId', 'lon', 'lat'])
        .where('tenant_id', '=', tenantId);
      yield* rowChunks(db, query, 10_000);
    },

    /** Street and number of some addresses (a trace's sample). */
    async addressLabels(
      tenantId: TenantId,
      ids: readonly string[],
    ): Promise<Array<{ id: string; street: string; number: string }>> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('addresses')
        .select(['id', 'street', 'number'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', [...ids])
        .execute();
    },
  };
}

export type NetworkRepository = ReturnType<typeof networkRepository>;
