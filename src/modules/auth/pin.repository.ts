/** The SQL of one-time PINs. At most one live PIN per (tenant, purpose, subject). */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../../db/dialect.js';
import { precompile, type Param, type PrecompiledQuery } from '../../db/precompiled.js';
import type { Database, PinsTable } from '../../db/schema.js';
import { claimRow } from './rate-limit.repository.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { loginContactColumns, toLoginContact, type LoginContact } from './login-contact.js';

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

/** A rate counter (`rate_counters`) in one window, with the limit it is held to. */
export interface CounterLimit {
  key: string;
  windowStart: number;
  limit: number;
}

/** What a new PIN must pass, checked and counted by `issue` in the order given here. */
export interface IssueRules {
  /** A key to claim once (a CAPTCHA solution) before anything else; already claimed, nothing else happens. */
  claim?: { key: string; until: number } | undefined;
  /** The subject's current PIN must have been issued at or before this (the resend cooldown). */
  notIssuedAfter: number;
  /** Counters that refuse the PIN, without counting it, while at or over their limit (wrong guesses). */
  locks: ReadonlyArray<CounterLimit>;
  /** Counters every PIN asked for counts against (PINs per IP, per endpoint; keys differ); stored only while all stay within. */
  counters: ReadonlyArray<CounterLimit>;
  /**
   * Budgets (PINs per tenant, globally): counted only for a request `counters` allow, and only while every
   * budget is below its limit, so that they count PINs sent and never pass their limit; stored only then.
   */
  budgets: ReadonlyArray<CounterLimit>;
}

export interface IssueOutcome {
  /** False when `rules.claim` had been claimed before (then nothing was read, counted or stored). */
  claimed: boolean;
  /** When the subject's PIN before this one was issued, if there was one. */
  issuedAt: number | undefined;
  /** The counts of `rules.locks`, in their order. */
  lockCounts: number[];
  /** The new counts of `rules.counters`, in their order; undefined when the cooldown or a lock refused first. */
  counts: number[] | undefined;
  /** False when a budget was spent (then nothing was stored). */
  withinBudget: boolean;
  stored: boolean;
}

export interface ClaimedAttempt {
  id: string;
  codeHash: string;
  attempts: number;
  /** What the login endpoint opens, when the claim was asked to read it (`loginValue`). */
  login?: LoginContact;
}

type ClaimRow = { id: string; code_hash: string; attempts: number; login_contact_id?: string | null; login_known?: boolean | number };

type IssueParams = {
  claimKey: string | null;
  claimUntil: number | null;
  tenantId: TenantId;
  purpose: PinPurpose;
  subject: string;
  notIssuedAfter: number;
  lockKeys: string[];
  lockWindows: number[];
  lockLimits: number[];
  keys: string[];
  windows: number[];
  limits: number[];
  budgetKeys: string[];
  budgetWindows: number[];
  budgetLimits: number[];
} & Omit<NewPin, 'purpose' | 'subject'>;

/**
 * `issue` on PostgreSQL, one statement: the cooldown and the locks read, the counters counted only when
 * they allow, the PIN stored only when every counter is within its limit — and, as in `replace`, only
 * over a PIN older than the cooldown, so that two racing requests store one PIN.
 */
const issueStatement = (p: Param<IssueParams>) => sql<{ claimed: boolean; issued_at: number | null; lock_counts: number[]; counts: number[] | null; within_budget: boolean; stored: boolean }>`
  with claim as (
    insert into rate_counters (key, window_start, count)
    select ${p('claimKey')}::text, ${claimRow('', 0).window_start}, ${p('claimUntil')}::int where ${p('claimKey')}::text is not null
    on conflict (key, window_start) do nothing
    returning key
  ), claimed as (
    select ${p('claimKey')}::text is null or exists (select 1 from claim) as claimed
  ), state as (
    select
      (select created_at from pins where tenant_id = ${p('tenantId')} and purpose = ${p('purpose')} and subject = ${p('subject')}) as issued_at,
      array(
        select coalesce(c.count, 0)
        from unnest(${p('lockKeys')}::text[], ${p('lockWindows')}::bigint[]) with ordinality as l(key, window_start, n)
        left join rate_counters c on c.key = l.key and c.window_start = l.window_start
        order by l.n
      ) as lock_counts
  ), allowed as (
    select 1 from state, claimed
    where claimed.claimed and (issued_at is null or issued_at <= ${p('notIssuedAfter')})
      and not exists (select 1 from unnest(lock_counts, ${p('lockLimits')}::bigint[]) as l(count, lim) where l.count >= l.lim)
  ), counted as (
    insert into rate_counters (key, window_start, count)
    select h.key, h.window_start, 1 from unnest(${p('keys')}::text[], ${p('windows')}::bigint[]) as h(key, window_start) cross join allowed
    on conflict (key, window_start) do update set count = rate_counters.count + 1
    returning key, count
  ), within as (
    select 1 where exists (select 1 from counted)
      and not exists (select 1 from counted c join unnest(${p('keys')}::text[], ${p('limits')}::bigint[]) as h(key, lim) on h.key = c.key where c.count > h.lim)
  ), locked as (
    -- Locked, the budget rows are read as the latest commit left them (not as this statement's snapshot):
    -- all of them counted or none, even when requests race at a limit.
    select c.key, c.count from rate_counters c
    where (c.key, c.window_start) in (select * from unnest(${p('budgetKeys')}::text[], ${p('budgetWindows')}::bigint[]))
    for update
  ), budget as (
    select b.key, b.window_start, b.lim, coalesce(l.count, 0) as count
    from unnest(${p('budgetKeys')}::text[], ${p('budgetWindows')}::bigint[], ${p('budgetLimits')}::bigint[]) as b(key, window_start, lim)
    left join locked l on l.key = b.key
  ), budgeted as (
    insert into rate_counters (key, window_start, count)
    select b.key, b.window_start, 1 from budget b cross join within
    where not exists (select 1 from budget where count >= lim)
    on conflict (key, window_start) do update set count = rate_counters.count + 1
      where rate_counters.count < (select lim from budget where budget.key = excluded.key)
    returning key
  ), spendable as (
    select 1 from within where (select count(*) from budgeted) = cardinality(${p('budgetKeys')}::text[])
  ), stored as (
    insert into pins (id, tenant_id, purpose, subject, code_hash, attempts, created_at, expires_at)
    select ${p('id')}, ${p('tenantId')}, ${p('purpose')}, ${p('subject')}, ${p('codeHash')}, 0, ${p('createdAt')}, ${p('expiresAt')}
    where exists (select 1 from spendable)
    on conflict (tenant_id, purpose, subject) do update
      set id = excluded.id, code_hash = excluded.code_hash, attempts = 0, created_at = excluded.created_at, expires_at = excluded.expires_at
      where pins.created_at <= ${p('notIssuedAfter')}
    returning id
  )
  select
    claimed.claimed,
    state.issued_at,
    state.lock_counts,
    case when exists (select 1 from counted) then array(
      select c.count from unnest(${p('keys')}::text[]) with ordinality as h(key, n) join counted c on c.key = h.key order by h.n
    ) end as counts,
    not exists (select 1 from within) or exists (select 1 from spendable) as within_budget,
    exists (select 1 from stored) as stored
  from state, claimed`;

async function readIssueState(db: Kysely<Database>, tenantId: TenantId, purpose: PinPurpose, subject: string, counters: ReadonlyArray<{ key: string; windowStart: number }>): Promise<IssueState> {
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
}

async function replacePin(db: Kysely<Database>, tenantId: TenantId, pin: NewPin, notIssuedAfter: number): Promise<boolean> {
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

const DEADLOCK = '40P01';
const DEADLOCK_RETRIES = 3;

/**
 * Runs `statement` again when PostgreSQL ends it as a deadlock victim. The issue statement locks the
 * budget rows it sees, then writes them all: a request that saw a budget row another has just created
 * can wait on it in the other order (at the start of a window, when requests race). Nothing of a victim
 * was written, so it runs again.
 */
async function retryingDeadlocks<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK || attempt >= DEADLOCK_RETRIES) throw error;
    }
  }
}

/** Counts one hit of each counter (keys differ); the new counts by key. */
async function countHits(db: Kysely<Database>, counters: ReadonlyArray<CounterLimit>): Promise<Map<string, number>> {
  const rows = await db
    .insertInto('rate_counters')
    .values(counters.map((c) => ({ key: c.key, window_start: c.windowStart, count: 1 })))
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql<number>`rate_counters.count + 1` }))
    .returning(['key', 'count'])
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.count)]));
}

/** `issue` statement by statement, on `db` (a transaction). */
async function issueSteps(db: Kysely<Database>, tenantId: TenantId, pin: NewPin, rules: IssueRules): Promise<IssueOutcome> {
  if (rules.claim) {
    const row = await db.insertInto('rate_counters').values(claimRow(rules.claim.key, rules.claim.until)).onConflict((oc) => oc.columns(['key', 'window_start']).doNothing()).returning('key').executeTakeFirst();
    if (!row) return { claimed: false, issuedAt: undefined, lockCounts: [], counts: undefined, withinBudget: true, stored: false };
  }
  const state = await readIssueState(db, tenantId, pin.purpose, pin.subject, [...rules.locks, ...rules.budgets]);
  const lockCounts = rules.locks.map((l) => state.counts.get(l.key) ?? 0);
  const outcome = { claimed: true, issuedAt: state.issuedAt, lockCounts, withinBudget: true, stored: false };
  const refused = (state.issuedAt !== undefined && state.issuedAt > rules.notIssuedAfter) || rules.locks.some((l, i) => lockCounts[i]! >= l.limit);
  if (refused) return { ...outcome, counts: undefined };
  const byKey = await countHits(db, rules.counters);
  const counts = rules.counters.map((c) => byKey.get(c.key) ?? 1);
  if (rules.counters.some((c, i) => counts[i]! > c.limit)) return { ...outcome, counts };
  if (rules.budgets.some((b) => (state.counts.get(b.key) ?? 0) >= b.limit)) return { ...outcome, counts, withinBudget: false };
  if (rules.budgets.length > 0) await countHits(db, rules.budgets);
  return { ...outcome, counts, stored: await replacePin(db, tenantId, pin, rules.notIssuedAfter) };
}

export function pinRepository(db: Kysely<Database>, dialect: Pick<DialectInfo, 'writableCtes'>) {
  const issueInOneStatement = precompile(db, (_db, p: Param<IssueParams>) => issueStatement(p));
  /** `claimAttempt`'s statement for `lockCount` locks, with or without the login's read (the callers' shapes are fixed: one compilation each). */
  const claimStatements = new Map<string, PrecompiledQuery<Record<string, string | number>, ClaimRow>>();
  const claimStatement = (lockCount: number, withLogin: boolean) => {
    const shape = `${lockCount}:${withLogin}`;
    let statement = claimStatements.get(shape);
    if (statement) return statement;
    statement = precompile(db, (db, p: Param<Record<string, string | number>>) => {
      let query = db
        .updateTable('pins')
        .set({ attempts: sql<number>`attempts + 1` })
        .where('tenant_id', '=', p('tenantId') as TenantId)
        .where('purpose', '=', p('purpose') as PinPurpose)
        .where('subject', '=', p('subject') as string)
        .where('attempts', '<', p('maxAttempts') as number)
        .where('expires_at', '>', p('now') as number);
      if (lockCount > 0) {
        const locks = Array.from({ length: lockCount }, (_, i) => i);
        query = query.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('rate_counters')
                .select('key')
                .where((c) => c.or(locks.map((i) => c.and([c('key', '=', p(`key${i}`) as string), c('window_start', '=', p(`window${i}`) as number), c('count', '>=', p(`limit${i}`) as number)])))),
            ),
          ),
        );
      }
      if (!withLogin) return query.returning(['id', 'code_hash', 'attempts']);
      return query.returning(['id', 'code_hash', 'attempts', ...loginContactColumns(p('tenantId'), p('loginValue'))]);
    });
    claimStatements.set(shape, statement);
    return statement;
  };
  const deletePin = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string }>) => db.deleteFrom('pins').where('tenant_id', '=', p('tenantId')).where('id', '=', p('id')));

  /**
   * `issue` statement by statement in one transaction (SQLite: in-process, so the statements cost no
   * round trips; the transaction keeps other requests' statements from running between them).
   */
  function issueStepByStep(tenantId: TenantId, pin: NewPin, rules: IssueRules): Promise<IssueOutcome> {
    return db.transaction().execute((trx) => issueSteps(trx, tenantId, pin, rules));
  }

  const repo = {
    /**
     * Issues `pin` in place of the subject's previous one if `rules` allow: the cooldown and the locks
     * refuse without counting; otherwise every counter counts the request, and the PIN is stored when
     * all are within their limits. One statement on PostgreSQL (a PIN request is the hot path of every
     * login); the caller reads the outcome to say which rule refused.
     */
    async issue(tenantId: TenantId, pin: NewPin, rules: IssueRules): Promise<IssueOutcome> {
      if (!dialect.writableCtes) return issueStepByStep(tenantId, pin, rules);
      const { rows } = await retryingDeadlocks(() => issueInOneStatement({
        claimKey: rules.claim?.key ?? null, claimUntil: rules.claim ? claimRow(rules.claim.key, rules.claim.until).count : null,
        tenantId, ...pin, notIssuedAfter: rules.notIssuedAfter,
        lockKeys: rules.locks.map((l) => l.key), lockWindows: rules.locks.map((l) => l.windowStart), lockLimits: rules.locks.map((l) => l.limit),
        keys: rules.counters.map((c) => c.key), windows: rules.counters.map((c) => c.windowStart), limits: rules.counters.map((c) => c.limit),
        budgetKeys: rules.budgets.map((b) => b.key), budgetWindows: rules.budgets.map((b) => b.windowStart), budgetLimits: rules.budgets.map((b) => b.limit),
      }));
      const row = rows[0]!;
      return {
        claimed: row.claimed,
        issuedAt: row.issued_at === null ? undefined : Number(row.issued_at),
        lockCounts: row.lock_counts.map(Number),
        counts: row.counts === null ? undefined : row.counts.map(Number),
        withinBudget: row.within_budget,
        stored: row.stored,
      };
    },

    /**
     * The cooldown and the failure counters in one round trip (a PIN request is the hot path of every
     * login): the subject's PIN age from `pins`, the counters from `rate_counters`.
     */
    issueState: (tenantId: TenantId, purpose: PinPurpose, subject: string, counters: ReadonlyArray<{ key: string; windowStart: number }>) => readIssueState(db, tenantId, purpose, subject, counters),

    /**
     * Stores a new PIN in place of the subject's old one, unless the old one is younger than
     * `notIssuedAfter` (the cooldown; checked in the same statement, so two racing requests send one PIN).
     * Returns whether the PIN was stored.
     */
    replace: (tenantId: TenantId, pin: NewPin, notIssuedAfter: number) => replacePin(db, tenantId, pin, notIssuedAfter),

    /**
     * Uses up one attempt of the subject's live PIN, atomically, and returns it — or nothing when there is
     * no PIN, it has expired, its attempts are spent, or one of `locks` (failure counters at their limit)
     * holds. Counting before comparing means that parallel guesses cannot get more than `maxAttempts`
     * comparisons out of one PIN. With `loginValue` (an E.164 number or email), the claimed attempt also
     * says what logging in with it opens (`login`), read in the same statement: a login's round trip saved.
     */
    async claimAttempt(
      tenantId: TenantId,
      purpose: PinPurpose,
      subject: string,
      maxAttempts: number,
      now: number,
      locks: ReadonlyArray<{ key: string; windowStart: number; limit: number }> = [],
      loginValue?: string,
    ): Promise<ClaimedAttempt | undefined> {
      const params: Record<string, string | number> = { tenantId, purpose, subject, maxAttempts, now, ...(loginValue === undefined ? {} : { loginValue }) };
      for (const [i, l] of locks.entries()) Object.assign(params, { [`key${i}`]: l.key, [`window${i}`]: l.windowStart, [`limit${i}`]: l.limit });
      const row = (await claimStatement(locks.length, loginValue !== undefined)(params)).rows[0];
      if (!row) return undefined;
      const attempt = { id: row.id, codeHash: row.code_hash, attempts: Number(row.attempts) };
      return loginValue === undefined ? attempt : { ...attempt, login: toLoginContact({ login_contact_id: row.login_contact_id ?? null, login_known: row.login_known ?? false }) };
    },

    /** Consumes the PIN (single use): true only for the one caller that removed it. */
    async consume(tenantId: TenantId, id: string): Promise<boolean> {
      const result = await deletePin({ tenantId, id });
      return Number(result.numAffectedRows) === 1;
    },

    async deleteForSubject(tenantId: TenantId, purpose: PinPurpose, subject: string): Promise<void> {
      await db.deleteFrom('pins').where('tenant_id', '=', tenantId).where('purpose', '=', purpose).where('subject', '=', subject).execute();
    },

    /** Housekeeping across tenants. */
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('pins').where('expires_at', '<=', now).execute();
    },
  };
  return repo;
}

export type PinRepository = ReturnType<typeof pinRepository>;
