/** The SQL of one-time PINs. At most one live PIN per (tenant, purpose, subject). */
import { sql, type Kysely } from 'kysely';
import type { Database, PinsTable } from '../../db/schema.js';
import type { TenantId } from '../../lib/tenant-id.js';

export type PinPurpose = PinsTable['purpose'];

export interface NewPin {
  id: string;
  purpose: PinPurpose;
  subject: string;
  codeHash: string;
  createdAt: number;
  expiresAt: number;
}

/** What decides whether a PIN may be issued, read in one statement. */
export interface IssueState {
  /** When the subject's current PIN was issued (for the resend cooldown), if there is one. */
  issuedAt: number | undefined;
  /** Counts of the given rate counters in the given windows (failed guesses), by key. */
  counts: Map<string, number>;
}

export interface ClaimedAttempt {
  id: string;
  codeHash: string;
  attempts: number;
}

export function pinRepository(db: Kysely<Database>) {
  return {
    /** When the subject's current PIN was issued (for the resend cooldown), if there is one. */
    async issuedAt(tenantId: TenantId, purpose: PinPurpose, subject: string): Promise<number | undefined> {
      const row = await db
        .selectFrom('pins')
        .select('created_at')
        .where('tenant_id', '=', tenantId)
        .where('purpose', '=', purpose)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return row ? Number(row.created_at) : undefined;
    },

    /**
     * The cooldown and the failure counters in one round trip (a PIN request is the hot path of every
     * login): the subject's PIN age from `pins`, the counters from `rate_counters`.
     */
    async issueState(tenantId: TenantId, purpose: PinPurpose, subject: string, counters: ReadonlyArray<{ key: string; windowStart: number }>): Promise<IssueState> {
      const row = await db
        .selectNoFrom((eb) => [
          eb
            .selectFrom('pins')
            .select('created_at')
            .where('tenant_id', '=', tenantId)
            .where('purpose', '=', purpose)
            .where('subject', '=', subject)
            .as('issued_at'),
          ...counters.map((c, i) =>
            eb.selectFrom('rate_counters').select('count').where('key', '=', c.key).where('window_start', '=', c.windowStart).as(`count_${i}`),
          ),
        ])
        .executeTakeFirstOrThrow();
      const values = row as Record<string, number | string | null>;
      const counts = new Map(counters.map((c, i) => [c.key, Number(values[`count_${i}`] ?? 0)]));
      return { issuedAt: values.issued_at === null || values.issued_at === undefined ? undefined : Number(values.issued_at), counts };
    },

    /**
     * Stores a new PIN in place of the subject's old one, unless the old one is younger than
     * `notIssuedAfter` (the cooldown; checked in the same statement, so two racing requests send one PIN).
     * Returns whether the PIN was stored.
     */
    async replace(tenantId: TenantId, pin: NewPin, notIssuedAfter: number): Promise<boolean> {
      const row = await db
        .insertInto('pins')
        .values({
          id: pin.id,
          tenant_id: tenantId,
          purpose: pin.purpose,
          subject: pin.subject,
          code_hash: pin.codeHash,
          attempts: 0,
          created_at: pin.createdAt,
          expires_at: pin.expiresAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'purpose', 'subject'])
            .doUpdateSet((eb) => ({
              id: eb.ref('excluded.id'),
              code_hash: eb.ref('excluded.code_hash'),
              attempts: 0,
              created_at: eb.ref('excluded.created_at'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where('pins.created_at', '<=', notIssuedAfter),
        )
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Uses up one attempt of the subject's live PIN, atomically, and returns it — or nothing when there is
     * no PIN, it has expired, its attempts are spent, or one of `locks` (failure counters at their limit)
     * holds. Counting before comparing means that parallel guesses cannot get more than `maxAttempts`
     * comparisons out of one PIN.
     */
    async claimAttempt(
      tenantId: TenantId,
      purpose: PinPurpose,
      subject: string,
      maxAttempts: number,
      now: number,
      locks: ReadonlyArray<{ key: string; windowStart: number; limit: number }> = [],
    ): Promise<ClaimedAttempt | undefined> {
      let query = db
        .updateTable('pins')
        .set({ attempts: sql<number>`attempts + 1` })
        .where('tenant_id', '=', tenantId)
        .where('purpose', '=', purpose)
        .where('subject', '=', subject)
        .where('attempts', '<', maxAttempts)
        .where('expires_at', '>', now);
      if (locks.length > 0) {
        query = query.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('rate_counters')
                .select('key')
                .where((c) => c.or(locks.map((l) => c.and([c('key', '=', l.key), c('window_start', '=', l.windowStart), c('count', '>=', l.limit)])))),
            ),
          ),
        );
      }
      const row = await query.returning(['id', 'code_hash', 'attempts']).executeTakeFirst();
      return row && { id: row.id, codeHash: row.code_hash, attempts: Number(row.attempts) };
    },

    /** Consumes the PIN (single use): true only for the one caller that removed it. */
    async consume(tenantId: TenantId, id: string): Promise<boolean> {
      const result = await db.deleteFrom('pins').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async deleteForSubject(tenantId: TenantId, purpose: PinPurpose, subject: string): Promise<void> {
      await db.deleteFrom('pins').where('tenant_id', '=', tenantId).where('purpose', '=', purpose).where('subject', '=', subject).execute();
    },

    /** Housekeeping across tenants. */
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('pins').where('expires_at', '<=', now).execute();
    },
  };
}

export type PinRepository = ReturnType<typeof pinRepository>;
