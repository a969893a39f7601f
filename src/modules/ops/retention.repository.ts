/**
 * The deletes of the retention job. Each statement is short (a bounded range of one message's rows, or
 * a bounded list of ids), so on SQLite, whose writers take turns, a send waits for one of them at most.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, DeliveryStatus } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';

/** Rows per delete statement, unless the caller says otherwise. */
export const RETENTION_BATCH = 2000;

export interface MessageSpan {
  id: string;
  incidentId: string;
  firstSeq: number;
  lastSeq: number;
}

export type DeliveryCounts = Record<string, Partial<Record<DeliveryStatus, number>>>;

export function retentionRepository(db: Kysely<Database>, batch = RETENTION_BATCH) {
  /** Deletes `table`'s rows of one key in seq ranges of `batch`; how many. */
  async function deleteInRanges(
    table: 'deliveries' | 'incident_recipients',
    key: { column: 'message_id' | 'incident_id'; value: string },
    tenantId: TenantId,
    span: { first: number; last: number },
  ): Promise<number> {
    let deleted = 0;
    for (let from = span.first; from <= span.last; from += batch) {
      const result = await db
        .deleteFrom(table)
        .where('tenant_id', '=', tenantId)
        .where(sql.ref(key.column), '=', key.value)
        .where('seq', '>=', from)
        .where('seq', '<', from + batch)
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  }

  /** Runs a delete of at most `batch` rows until one deletes fewer; how many rows went in all. */
  async function inBatches(deleteBatch: () => Promise<{ numDeletedRows: bigint }>): Promise<number> {
    let deleted = 0;
    for (;;) {
      const rows = Number((await deleteBatch()).numDeletedRows);
      deleted += rows;
      if (rows < batch) return deleted;
    }
  }

  /** Deletes up to `batch` rows at a time of `table` older than `before`, until none is left. */
  async function deleteOlder(
    table: 'inbox_messages' | 'audit_log',
    tenantId: TenantId | null,
    column: 'created_at' | 'at',
    before: number,
  ): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = await db
        .selectFrom(table)
        .select('id')
        .where(sql.ref(column), '<', before)
        .where((eb) => (tenantId === null ? eb('tenant_id', 'is', null) : eb('tenant_id', '=', tenantId)))
        .limit(batch)
        .execute();
      if (ids.length === 0) return deleted;
      await db
        .deleteFrom(table)
        .where(
          'id',
          'in',
          ids.map((r) => r.id),
        )
        .execute();
      deleted += ids.length;
    }
  }

  return {
    /** Finished messages created before `before` that still have deliveries. */
    async messagesToReduce(tenantId: TenantId, before: number, limit: number): Promise<MessageSpan[]> {
      const rows = await db
        .selectFrom('messages as m')
        .innerJoin('deliveries as d', (j) =>
          j.onRef('d.tenant_id', '=', 'm.tenant_id').onRef('d.message_id', '=', 'm.id'),
        )
        .where('m.tenant_id', '=', tenantId)
        .where('m.created_at', '<', before)
        .where('m.status', 'in', ['sent', 'cancelled'])
        .select((eb) => [
          'm.id',
          'm.incident_id as incidentId',
          eb.fn.min('d.seq').as('firstSeq'),
          eb.fn.max('d.seq').as('lastSeq'),
        ])
        .groupBy(['m.id', 'm.incident_id'])
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        incidentId: r.incidentId,
        firstSeq: Number(r.firstSeq),
        lastSeq: Number(r.lastSeq),
      }));
    },

    async deliveryCounts(tenantId: TenantId, messageId: string): Promise<DeliveryCounts> {
      const rows = await db
        .selectFrom('deliveries')
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .select((eb) => ['channel', 'status', eb.fn.countAll<number>().as('n')])
        .groupBy(['channel', 'status'])
        .execute();
      const counts: DeliveryCounts = {};
      for (const r of rows) (counts[r.channel] ??= {})[r.status] = Number(r.n);
      return counts;
    },

    async deleteDeliveries(tenantId: TenantId, message: MessageSpan): Promise<number> {
      const deleted = await deleteInRanges('deliveries', { column: 'message_id', value: message.id }, tenantId, {
        first: message.firstSeq,
        last: message.lastSeq,
      });
      await db
        .deleteFrom('dispatch_batches')
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', message.id)
        .execute();
      return deleted;
    },

    /**
     * The frozen recipient sets (numbers, emails), and the SMS replies, of incidents frozen before `before` whose messages are all
     * finished and older: a follow-up that late is not expected. How many rows went.
     */
    async deleteRecipients(tenantId: TenantId, before: number): Promise<number> {
      const incidents = await db
        .selectFrom('incidents as i')
        .where('i.tenant_id', '=', tenantId)
        .where('i.frozen_at', '<', before)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('incident_recipients as r')
              .select(sql`1`.as('one'))
              .whereRef('r.tenant_id', '=', 'i.tenant_id')
              .whereRef('r.incident_id', '=', 'i.id'),
          ),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('messages as m')
                .select(sql`1`.as('one'))
                .whereRef('m.tenant_id', '=', 'i.tenant_id')
                .whereRef('m.incident_id', '=', 'i.id')
                .where((eb) =>
                  eb.or([eb('m.created_at', '>=', before), eb('m.status', 'not in', ['sent', 'cancelled'])]),
                ),
            ),
          ),
        )
        .select('i.id')
        .limit(100)
        .execute();
      let deleted = 0;
      for (const { id } of incidents) {
        const span = await db
          .selectFrom('incident_recipients')
          .where('tenant_id', '=', tenantId)
          .where('incident_id', '=', id)
          .select((eb) => [eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last')])
          .executeTakeFirstOrThrow();
        deleted += await deleteInRanges('incident_recipients', { column: 'incident_id', value: id }, tenantId, {
          first: Number(span.first),
          last: Number(span.last),
        });
        // The replies residents sent to its notices hold their numbers too: they go with the set.
        await db.deleteFrom('sms_replies').where('tenant_id', '=', tenantId).where('incident_id', '=', id).execute();
      }
      return deleted;
    },

    deleteInbox: (tenantId: TenantId | null, before: number) =>
      deleteOlder('inbox_messages', tenantId, 'created_at', before),
    deleteAudit: (tenantId: TenantId, before: number) => deleteOlder('audit_log', tenantId, 'at', before),

    /** SMS replies (numbers and texts) that came before `before`. */
    deleteReplies: (tenantId: TenantId, before: number) =>
      inBatches(() =>
        db
          .deleteFrom('sms_replies')
          .where(
            'id',
            'in',
            db
              .selectFrom('sms_replies')
              .select('id')
              .where('tenant_id', '=', tenantId)
              .where('received_at', '<', before)
              .limit(batch),
          )
          .executeTakeFirst(),
      ),

    /**
     * Expired PINs and sessions, and rate-limit windows older than a day: of no use to anyone any more.
     * In statements of `batch` rows, as the rest: a PIN request or a login writes these same tables.
     */
    async deleteExpired(now: number): Promise<{ pins: number; sessions: number; rateCounters: number }> {
      const pins = await inBatches(() =>
        db
          .deleteFrom('pins')
          .where('id', 'in', db.selectFrom('pins').select('id').where('expires_at', '<=', now).limit(batch))
          .executeTakeFirst(),
      );
      const sessions = await inBatches(() =>
        db
          .deleteFrom('sessions')
          .where('id', 'in', db.selectFrom('sessions').select('id').where('expires_at', '<=', now).limit(batch))
          .executeTakeFirst(),
      );
      // A window is its key and start; a negative start is a CAPTCHA claim, not a window (the login code prunes those).
      const rateCounters = await inBatches(() =>
        db
          .deleteFrom('rate_counters')
          .where(({ eb, refTuple, selectFrom }) =>
            eb(
              refTuple('key', 'window_start'),
              'in',
              selectFrom('rate_counters')
                .select(['key', 'window_start'])
                .where('window_start', '>=', 0)
                .where('window_start', '<', now - 86_400_000)
                .limit(batch)
                .$asTuple('key', 'window_start'),
            ),
          )
          .executeTakeFirst(),
      );
      return { pins, sessions, rateCounters };
    },
  };
}

export type RetentionRepository = ReturnType<typeof retentionRepository>;
