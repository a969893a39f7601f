/**
 * SQLite's PIN issue: statement by statement in one transaction (in-process, so the statements cost no
 * round trips; the transaction keeps other requests' statements from running between them).
 */
import { sql, type Kysely } from 'kysely';
import type { TenantId } from '../../../kernel/tenant-id.js';
import type { Database } from '../../schema.js';
import type { Engine } from '../engine.js';
import type { CounterLimit, IssueOutcome, NewPin, PinIssue, PinPurpose } from '../writes.js';

/** What decides whether a PIN may be issued, read in one statement. */
interface IssueState {
  /** When the subject's current PIN was issued (for the resend cooldown), if there is one. */
  issuedAt: number | undefined;
  /** Counts of the given rate counters in the given windows (failed guesses), by key. */
  counts: Map<string, number>;
}

async function readIssueState(
  db: Kysely<Database>,
  tenantId: TenantId,
  purpose: PinPurpose,
  subject: string,
  counters: ReadonlyArray<{ key: string; windowStart: number }>,
): Promise<IssueState> {
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
        eb
          .selectFrom('rate_counters')
          .select('count')
          .where('key', '=', c.key)
          .where('window_start', '=', c.windowStart)
          .as(`count_${i}`),
      ),
    ])
    .executeTakeFirstOrThrow();
  const values = row as Record<string, number | string | null>;
  const counts = new Map(counters.map((c, i) => [c.key, Number(values[`count_${i}`] ?? 0)]));
  return {
    issuedAt: values.issued_at === null || values.issued_at === undefined ? undefined : Number(values.issued_at),
    counts,
  };
}

async function replacePin(
  db: Kysely<Database>,
  tenantId: TenantId,
  pin: NewPin,
  notIssuedAfter: number,
): Promise<boolean> {
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
}

/** Counts one hit of each counter (keys differ); the new counts by key. */
async function countHits(db: Kysely<Database>, counters: ReadonlyArray<CounterLimit>): Promise<Map<string, number>> {
  const rows = await db
    .insertInto('rate_counters')
    .values(counters.map((c) => ({ key: c.key, window_start: c.windowStart, count: 1 })))
    .onConflict((oc) =>
      oc.columns(['key', 'window_start']).doUpdateSet({ count: sql<number>`rate_counters.count + 1` }),
    )
    .returning(['key', 'count'])
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.count)]));
}

/** The PIN issue statement by statement, on `db` (a transaction). */
async function issueSteps(
  db: Kysely<Database>,
  { tenantId, pin, claim, rules }: PinIssue,
): Promise<Omit<IssueOutcome, 'deadlocks'>> {
  if (claim) {
    const row = await db
      .insertInto('rate_counters')
      .values(claim)
      .onConflict((oc) => oc.columns(['key', 'window_start']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!row)
      return {
        claimed: false,
        issuedAt: undefined,
        lockCounts: [],
        counts: undefined,
        withinBudget: true,
        stored: false,
      };
  }
  const state = await readIssueState(db, tenantId, pin.purpose, pin.subject, [...rules.locks, ...rules.budgets]);
  const lockCounts = rules.locks.map((l) => state.counts.get(l.key) ?? 0);
  const outcome = { claimed: true, issuedAt: state.issuedAt, lockCounts, withinBudget: true, stored: false };
  const refused =
    (state.issuedAt !== undefined && state.issuedAt > rules.notIssuedAfter) ||
    rules.locks.some((l, i) => lockCounts[i]! >= l.limit);
  if (refused) return { ...outcome, counts: undefined };
  const byKey = await countHits(db, rules.counters);
  const counts = rules.counters.map((c) => byKey.get(c.key) ?? 1);
  if (rules.counters.some((c, i) => counts[i]! > c.limit)) return { ...outcome, counts };
  if (rules.budgets.some((b) => (state.counts.get(b.key) ?? 0) >= b.limit))
    return { ...outcome, counts, withinBudget: false };
  if (rules.budgets.length > 0) await countHits(db, rules.budgets);
  return { ...outcome, counts, stored: await replacePin(db, tenantId, pin, rules.notIssuedAfter) };
}

// One writer at a time: SQLite has no row locks to deadlock on.
export const pinIssuer: Engine['pinIssuer'] = (db: Kysely<Database>) => async (issue) => ({
  ...(await db.transaction().execute((trx) => issueSteps(trx, issue))),
  deadlocks: 0,
});
