/**
 * What the writes each engine words its own way take and answer — the PIN issue and the session insert
 * (one statement on PostgreSQL, steps in one transaction on SQLite), a batch's delivery results — and the
 * statements both engines share for them.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { TenantId } from '../../kernel/tenant-id.js';
import { precompile, type Param, type PrecompiledQuery } from '../precompiled.js';
import type { AuditLogTable, Database, PinsTable, SessionsTable } from '../schema.js';

export type PinPurpose = PinsTable['purpose'];

export interface NewPin {
  id: string;
  purpose: PinPurpose;
  subject: string;
  codeHash: string;
  createdAt: number;
  expiresAt: number;
}

/** A rate counter (`rate_counters`) in one window, with the limit it is held to. */
export interface CounterLimit {
  key: string;
  windowStart: number;
  limit: number;
}

/** What a new PIN must pass besides its claim, checked and counted in the order given here. */
export interface PinRules {
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

/** The `rate_counters` row of a one-time claim (a CAPTCHA solution), made by rate-limit.repository.ts. */
export interface ClaimRow {
  key: string;
  window_start: number;
  count: number;
}

/** One PIN issue: `pin` in place of the subject's previous one, if `claim` (when given, first) and `rules` allow. */
export interface PinIssue {
  tenantId: TenantId;
  pin: NewPin;
  claim: ClaimRow | undefined;
  rules: PinRules;
}

export interface IssueOutcome {
  /** False when the claim had been claimed before (then nothing was read, counted or stored). */
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
  /**
   * How often the database ended the issue as a deadlock victim before it went through (it is run again;
   * each time cost the request PostgreSQL's deadlock_timeout, a second by default). Always 0 on SQLite.
   */
  deadlocks: number;
}

export type SessionRow = Selectable<SessionsTable>;
export type AuditRow = Required<Insertable<AuditLogTable>>;

/**
 * Inserts the session `row` only if it consumes the PIN `pinId` (deletes it), and `audit` (same tenant)
 * with it: all or nothing. False when the PIN was gone (then nothing was written).
 */
export type SessionFromPin = (row: SessionRow, pinId: string, audit: AuditRow | undefined) => Promise<boolean>;

/** The session insert, compiled once (every login writes one); run it on a transaction with `on`. */
export function sessionInsert(db: Kysely<Database>): PrecompiledQuery<SessionRow, unknown> {
  return precompile(db, (db, p: Param<SessionRow>) =>
    db.insertInto('sessions').values({
      id: p('id'),
      tenant_id: p('tenant_id'),
      subject_type: p('subject_type'),
      subject_id: p('subject_id'),
      csrf_token: p('csrf_token'),
      created_at: p('created_at'),
      last_seen_at: p('last_seen_at'),
      expires_at: p('expires_at'),
      data: p('data'),
    }),
  );
}

/** A worker's hold on one batch of a message: its writes count only while the batch is still this claim's. */
export interface HeldBatch {
  tenantId: TenantId;
  messageId: string;
  batchNo: number;
  /** The claim's number (the batch's attempts when it was taken). */
  attempt: number;
}

export interface DeliveryResult {
  seq: number;
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'expired';
  /** The provider that answered (receipts are matched by it and the provider's id). */
  provider: string;
  providerId: string | null;
  error: string | null;
  /** Whether this result used up one of the delivery's attempts (a try that reached no provider does not). */
  attempted: boolean;
  /** The provider's raw answer (JSON), kept with the delivery. */
  answer: string | null;
}
