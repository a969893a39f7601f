/**
 * PostgreSQL's PIN issue: one statement (writable CTEs), since a PIN request is the hot path of every
 * login and every statement costs a round trip.
 */
import { sql, type Kysely } from 'kysely';
import type { TenantId } from '../../../kernel/tenant-id.js';
import { precompile, type Param } from '../../precompiled.js';
import type { Database } from '../../schema.js';
import type { Engine } from '../engine.js';
import type { NewPin, PinPurpose } from '../writes.js';

type IssueParams = {
  claimKey: string | null;
  claimWindow: number | null;
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
 * The PIN issue in one statement: the cooldown and the locks read, the counters counted only when
 * they allow, the PIN stored only when every counter is within its limit — and, as in `replace`, only
 * over a PIN older than the cooldown, so that two racing requests store one PIN.
 */
const issueStatement = (p: Param<IssueParams>) => sql<{
  claimed: boolean;
  issued_at: number | null;
  lock_counts: number[];
  counts: number[] | null;
  within_budget: boolean;
  stored: boolean;
}>`
  with claim as (
    insert into rate_counters (key, window_start, count)
    select ${p('claimKey')}::text, ${p('claimWindow')}::bigint, ${p('claimUntil')}::int where ${p('claimKey')}::text is not null
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
    order by h.key, h.window_start
    on conflict (key, window_start) do update set count = rate_counters.count + 1
    returning key, count
  ), within as (
    select 1 where exists (select 1 from counted)
      and not exists (select 1 from counted c join unnest(${p('keys')}::text[], ${p('limits')}::bigint[]) as h(key, lim) on h.key = c.key where c.count > h.lim)
  ), locked as (
    -- Locked, the budget rows are read as the latest commit left them (not as this statement's snapshot):
    -- all of them counted or none, even when requests race at a limit. Locked in key order, as every issue
    -- locks them: in the scan's order (where each row's last update left it) two issues at once took them in
    -- different orders and deadlocked, each victim waiting a deadlock_timeout. Counters are written in key
    -- order too.
    select c.key, c.count from rate_counters c
    where (c.key, c.window_start) in (select * from unnest(${p('budgetKeys')}::text[], ${p('budgetWindows')}::bigint[]))
    order by c.key, c.window_start
    for update
  ), budget as (
    select b.key, b.window_start, b.lim, coalesce(l.count, 0) as count
    from unnest(${p('budgetKeys')}::text[], ${p('budgetWindows')}::bigint[], ${p('budgetLimits')}::bigint[]) as b(key, window_start, lim)
    left join locked l on l.key = b.key
  ), budgeted as (
    insert into rate_counters (key, window_start, count)
    select b.key, b.window_start, 1 from budget b cross join within
    where not exists (select 1 from budget where count >= lim)
    order by b.key, b.window_start
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

const DEADLOCK = '40P01';
const DEADLOCK_RETRIES = 3;

/**
 * Runs `statement` again when PostgreSQL ends it as a deadlock victim; how often, with the result. The
 * issue statement locks the budget rows it sees, then writes them all: a request that saw a budget row
 * another has just created can still wait on it in the other order (at the start of a window, when
 * requests race). Nothing of a victim was written, so it runs again.
 */
async function retryingDeadlocks<T>(statement: () => Promise<T>): Promise<{ result: T; deadlocks: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { result: await statement(), deadlocks: attempt - 1 };
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK || attempt >= DEADLOCK_RETRIES) throw error;
    }
  }
}

export const pinIssuer: Engine['pinIssuer'] = (db: Kysely<Database>) => {
  const issueInOneStatement = precompile(db, (_db, p: Param<IssueParams>) => issueStatement(p));
  return async ({ tenantId, pin, claim, rules }) => {
    const {
      result: { rows },
      deadlocks,
    } = await retryingDeadlocks(() =>
      issueInOneStatement({
        claimKey: claim?.key ?? null,
        claimWindow: claim?.window_start ?? null,
        claimUntil: claim?.count ?? null,
        tenantId,
        ...pin,
        notIssuedAfter: rules.notIssuedAfter,
        lockKeys: rules.locks.map((l) => l.key),
        lockWindows: rules.locks.map((l) => l.windowStart),
        lockLimits: rules.locks.map((l) => l.limit),
        keys: rules.counters.map((c) => c.key),
        windows: rules.counters.map((c) => c.windowStart),
        limits: rules.counters.map((c) => c.limit),
        budgetKeys: rules.budgets.map((b) => b.key),
        budgetWindows: rules.budgets.map((b) => b.windowStart),
        budgetLimits: rules.budgets.map((b) => b.limit),
      }),
    );
    const row = rows[0]!;
    return {
      claimed: row.claimed,
      issuedAt: row.issued_at === null ? undefined : Number(row.issued_at),
      lockCounts: row.lock_counts.map(Number),
      counts: row.counts === null ? undefined : row.counts.map(Number),
      withinBudget: row.within_budget,
      stored: row.stored,
      deadlocks,
    };
  };
};
