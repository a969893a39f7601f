/** What the metrics and the readiness check read from the database at scrape time: a few grouped counts. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface QueuedDeliveries {
  tenant: string;
  channel: string;
  depth: number;
  /** When the oldest message with queued deliveries started sending. */
  oldestStartedAt: number | null;
}

export function opsRepository(db: Kysely<Database>) {
  return {
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },

    /** Deliveries still queued, of messages being sent (the PK leads from the few sending messages to them). */
    async queuedDeliveries(): Promise<QueuedDeliveries[]> {
      const rows = await db
        .selectFrom('messages as m')
        .innerJoin('deliveries as d', (j) =>
          j.onRef('d.tenant_id', '=', 'm.tenant_id').onRef('d.message_id', '=', 'm.id'),
        )
        .innerJoin('tenants as t', 't.id', 'm.tenant_id')
        .where('m.status', 'in', ['starting', 'sending'])
        .where('d.status', '=', 'queued')
        .select((eb) => [
          't.slug as tenant',
          'd.channel',
          eb.fn.countAll<number>().as('depth'),
          eb.fn.min('m.started_at').as('oldestStartedAt'),
        ])
        .groupBy(['t.slug', 'd.channel'])
        .execute();
      return rows.map((r) => ({
        ...r,
        depth: Number(r.depth),
        oldestStartedAt: r.oldestStartedAt === null ? null : Number(r.oldestStartedAt),
      }));
    },

    /** Batch jobs not done yet and the oldest of them (its last change). */
    async pendingBatches(): Promise<{ count: number; oldestUpdatedAt: number | null }> {
      const row = await db
        .selectFrom('dispatch_batches')
        .where('status', '=', 'pending')
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('updated_at').as('oldest')])
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), oldestUpdatedAt: row.oldest === null ? null : Number(row.oldest) };
    },

    /** Every tenant with its register revision (0 before the first change). */
    async registerRevisions(): Promise<Array<{ id: string; slug: string; revision: number }>> {
      const rows = await db
        .selectFrom('tenants as t')
        .leftJoin('register_revisions as r', 'r.tenant_id', 't.id')
        .select(['t.id', 't.slug', 'r.revision'])
        .execute();
      return rows.map((r) => ({ id: r.id, slug: r.slug, revision: Number(r.revision ?? 0) }));
    },
  };
}

export type OpsRepository = ReturnType<typeof opsRepository>;
