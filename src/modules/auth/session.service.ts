/**
 * Server-side sessions for residents and operators: a random token in an httpOnly cookie, only its
 * SHA-256 in the database (so that a database leak gives no usable cookie), a CSRF token per session,
 * an idle expiry that slides with use and an absolute lifetime. Stored in the database so that any
 * server process reads any session and a revocation takes effect everywhere at once.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../../db/engines/engine.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { randomToken, sha256 } from '../../lib/crypto.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AuditRow } from '../audit/audit.repository.js';
import { sessionRepository, type SessionRow } from './session.repository.js';

export type SubjectType = 'resident' | 'operator';

export interface SessionSubject {
  type: SubjectType;
  id: string;
}

export interface Session {
  /** SHA-256 of the token: the row id, safe to log or audit. */
  id: string;
  tenantId: TenantId;
  subject: SessionSubject;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  data: Record<string, unknown>;
}

export interface CreatedSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export interface SessionServiceDeps {
  db: Kysely<Database>;
  /** The engine's login write (a session and the PIN it consumes, all or nothing). */
  engine: Pick<Engine, 'sessionFromPin'>;
  clock: Clock;
  /** Idle expiry; every use pushes it forward. Default 30. */
  idleMinutes?: number;
  /** Absolute lifetime whatever the use. Default 12 hours. */
  maxHours?: number;
}

/**
 * The idle expiry is pushed forward at most once a minute: a write on every request would double the
 * database work of a page full of calls for one minute of precision.
 */
const SLIDE_STEP_MS = 60_000;
const PRUNE_EVERY_MS = 60_000;

export function sessionService(deps: SessionServiceDeps) {
  const idleMs = (deps.idleMinutes ?? 30) * 60_000;
  const maxMs = (deps.maxHours ?? 12) * 3_600_000;
  const repo = sessionRepository(deps.db, deps.engine);
  let lastPrune = 0;

  const expiryFrom = (now: number, createdAt: number) => Math.min(now + idleMs, createdAt + maxMs);

  const toSession = (row: SessionRow, expiresAt: number): Session => ({
    id: row.id,
    tenantId: row.tenant_id as TenantId,
    subject: { type: row.subject_type, id: row.subject_id },
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt,
    data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : {},
  });

  async function pruneNowAndThen(now: number): Promise<void> {
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    await repo.deleteExpired(now);
  }

  async function newSession(
    subject: SessionSubject,
    data: Record<string, unknown> | undefined,
  ): Promise<{ session: CreatedSession; row: Omit<SessionRow, 'tenant_id'> }> {
    const now = deps.clock.now();
    await pruneNowAndThen(now);
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = expiryFrom(now, now);
    const row = {
      id: sha256(token),
      subject_type: subject.type,
      subject_id: subject.id,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      data: data ? JSON.stringify(data) : null,
    };
    return { session: { token, csrfToken, expiresAt }, row };
  }

  return {
    idleMs,

    async create(tenantId: TenantId, subject: SessionSubject, data?: Record<string, unknown>): Promise<CreatedSession> {
      const { session, row } = await newSession(subject, data);
      await repo.insert(tenantId, row);
      return session;
    },

    /**
     * Starts a session only if it consumes the one-time PIN `pinId` (see PinService.checkThen); undefined
     * when the PIN was gone. `audit` is written with the session (and only with it).
     */
    async createConsumingPin(
      tenantId: TenantId,
      pinId: string,
      subject: SessionSubject,
      data?: Record<string, unknown>,
      audit?: AuditRow,
    ): Promise<CreatedSession | undefined> {
      const { session, row } = await newSession(subject, data);
      return (await repo.insertConsumingPin(tenantId, row, pinId, audit)) ? session : undefined;
    },

    /** The live session of this token in this tenant, its idle expiry slid forward; undefined otherwise. */
    async read(tenantId: TenantId, token: string): Promise<Session | undefined> {
      if (!token) return undefined;
      const now = deps.clock.now();
      const row = await repo.find(tenantId, sha256(token), now);
      if (!row) return undefined;
      if (now - row.last_seen_at < SLIDE_STEP_MS) return toSession(row, row.expires_at);
      const expiresAt = expiryFrom(now, row.created_at);
      await repo.touch(tenantId, row.id, now, expiresAt);
      return toSession(row, expiresAt);
    },

    /** Re-points a session (e.g. a resident who just registered now has a contact) or replaces its data. */
    async update(
      tenantId: TenantId,
      token: string,
      change: { subject?: SessionSubject; data?: Record<string, unknown> },
    ): Promise<void> {
      await repo.update(tenantId, sha256(token), {
        ...(change.subject ? { subject_type: change.subject.type, subject_id: change.subject.id } : {}),
        ...(change.data ? { data: JSON.stringify(change.data) } : {}),
      });
    },

    async revoke(tenantId: TenantId, token: string): Promise<void> {
      await repo.delete(tenantId, sha256(token));
    },

    /** Ends every session of the subject (after a deletion, a password change…), optionally but one token's. */
    async revokeAll(tenantId: TenantId, subject: SessionSubject, exceptToken?: string): Promise<number> {
      return repo.deleteForSubject(tenantId, subject, exceptToken ? sha256(exceptToken) : undefined);
    },
  };
}

export type SessionService = ReturnType<typeof sessionService>;
