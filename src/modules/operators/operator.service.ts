/**
 * Operator accounts: created by an admin or the CLI (with a printed one-time password that must be
 * changed at first login), password + TOTP login throttled (never locked) after repeated failures, server-side
 * sessions (the residents' session core), and API tokens for integrations.
 */
import {
  AppError,
  ConflictError,
  fieldProblem,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { keyedHash, randomToken, sha256 } from '../../lib/crypto.js';
import { newId } from '../../lib/ids.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { RateLimitRepository } from '../auth/rate-limit.repository.js';
import type { CreatedSession, SessionService } from '../auth/session.service.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { OperatorRepository, OperatorRow } from './operator.repository.js';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { newTotpSecret, openSecret, sealSecret, totpStep, totpUri } from './totp.js';
import { problemText, type ProblemCode } from '../../problems.js';
import { ROLES, type Role } from '../../contracts/operators.contract.js';

export { ROLES, type Role };

/**
 * Failed logins are throttled, never locked, and always per source, so that nobody can keep the owner
 * out: per source and account, 5 failures per 15 minutes, then that source waits out the window. Past
 * 100 failures at the account in an hour from all sources together (many addresses guessing), each
 * source is held to one failure per window there. A source without failures is never slowed, so the
 * owner with the right password gets in from their own address whatever others try. An unknown email is
 * counted like a known one, so the answers do not tell them apart.
 */
export const FAILURES_PER_SOURCE = 5;
const SOURCE_WINDOW_MS = 15 * 60_000;
/** Failures at one account from all sources in an hour past which each source gets one failure per window. */
export const FAILURES_PER_ACCOUNT = 100;
const ACCOUNT_WINDOW_MS = 60 * 60_000;
const IP_WINDOW_MS = 15 * 60_000;
const LOGINS_PER_IP = 50;

export interface OperatorView {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  totpEnabled: boolean;
}

/** What an operator session must do before anything else. */
export interface OperatorSessionData {
  mustChangePassword?: boolean;
  totpSetupRequired?: boolean;
}

export interface OperatorServiceDeps {
  operators: OperatorRepository;
  sessions: SessionService;
  rateLimits: RateLimitRepository;
  audit: AuditRepository;
  clock: Clock;
  secret: string;
}

export const toOperatorView = (row: OperatorRow): OperatorView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  totpEnabled: row.totp_enabled === 1,
});

const loginFailed = (field: string, code: ProblemCode, topCode: ProblemCode = 'unauthorized') =>
  new AppError(topCode, 401, {}, [fieldProblem(field, code)], {}, problemText(code));

export function operatorService(deps: OperatorServiceDeps) {
  const { operators, clock } = deps;

  async function requireOperator(tenant: Tenant, id: string): Promise<OperatorRow> {
    const row = await operators.find(tenant.id, id);
    if (!row || row.disabled) throw new NotFoundError('operator');
    return row;
  }

  /** Who is trying which account: the failure counters of the attempt, in the order source, account. */
  const attemptOf = (tenant: Tenant, email: string, ip: string) => {
    const account = keyedHash(deps.secret, `operator-login:${tenant.id}:${email}`);
    return {
      tenant,
      failures: [
        { key: `operator-fail:${account}:${ip}`, windowMs: SOURCE_WINDOW_MS, limit: FAILURES_PER_SOURCE },
        { key: `operator-fail:${account}`, windowMs: ACCOUNT_WINDOW_MS, limit: FAILURES_PER_ACCOUNT },
      ],
    };
  };
  type Attempt = ReturnType<typeof attemptOf>;

  const tooMany = (seconds: number) => new RateLimitedError('login-throttled', { seconds }, seconds);

  /** Refuses a source past its failures at the account: 5 a window, or 1 once the account has had too many from all sources. */
  async function throttle(attempt: Attempt, now: number): Promise<void> {
    const [source, account] = attempt.failures;
    const counts = await deps.rateLimits.peek(attempt.failures, now);
    const besieged = (counts.get(account!.key) ?? 0) >= account!.limit;
    if ((counts.get(source!.key) ?? 0) >= (besieged ? 1 : source!.limit))
      throw tooMany(deps.rateLimits.retryAfter(source!.windowMs, now));
  }

  async function failLogin(
    attempt: Attempt,
    row: OperatorRow | undefined,
    field: 'password' | 'totp',
    code: ProblemCode,
  ): Promise<never> {
    const now = clock.now();
    await deps.rateLimits.hitMany(attempt.failures, now);
    if (row)
      await deps.audit.record(attempt.tenant.id, now, {
        actorType: 'operator',
        actorId: row.id,
        action: 'operator.login-failed',
        subjectType: 'operator',
        subjectId: row.id,
        detail: { field },
      });
    throw loginFailed(field, code);
  }

  /** Refuses a code already used for this operator (a replayed TOTP). */
  async function claimStep(row: OperatorRow, step: number): Promise<boolean> {
    const now = clock.now();
    return deps.rateLimits.claimOnce(`totp:${row.id}:${step}`, now + 120_000, now);
  }

  async function checkTotp(attempt: Attempt, row: OperatorRow, code: string | undefined): Promise<void> {
    if (!row.totp_enabled || !row.totp_secret) return;
    if (!code) throw loginFailed('totp', 'totp-required', 'totp-required');
    const step = totpStep(openSecret(deps.secret, row.totp_secret), code.trim(), clock.now());
    if (step === null || !(await claimStep(row, step))) await failLogin(attempt, row, 'totp', 'totp-failed');
  }

  return {
    requireOperator,

    /** The tenant's audit log, newest first (for admins). */
    auditLog: (tenant: Tenant, options: { before?: number; limit: number }) => deps.audit.list(tenant.id, options),

    async createOperator(
      tenant: Tenant,
      input: { email: string; role: Role; name?: string | null; password?: string },
      actorId: string | null,
    ) {
      const email = input.email.trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new ValidationError('email', 'email-invalid');
      if (!ROLES.includes(input.role)) throw new ValidationError('role', 'role-invalid', { roles: ROLES.join(', ') });
      if (await operators.findByEmail(tenant.id, email)) throw new ConflictError('operator-exists', { email }, 'email');
      const problem = input.password !== undefined ? passwordProblem(input.password) : null;
      if (problem) throw new ValidationError('password', problem.code, problem.params);
      const oneTime = input.password === undefined ? generatePassword() : undefined;
      const now = clock.now();
      const row = {
        id: newId(),
        email,
        name: input.name ?? null,
        role: input.role,
        password_hash: await hashPassword(input.password ?? oneTime!),
        must_change_password: oneTime ? 1 : 0,
        totp_secret: null,
        totp_enabled: 0,
        failed_logins: 0,
        locked_until: null,
        last_login_at: null,
        disabled: 0,
        created_at: now,
        updated_at: now,
      } as const;
      await operators.insert(tenant.id, row);
      await deps.audit.record(tenant.id, now, {
        actorType: actorId ? 'operator' : 'system',
        actorId,
        action: 'operator.create',
        subjectType: 'operator',
        subjectId: row.id,
        detail: { role: row.role },
      });
      return { operator: toOperatorView({ ...row, tenant_id: tenant.id }), oneTimePassword: oneTime };
    },

    async login(tenant: Tenant, input: { email: string; password: string; totp?: string | undefined }, ip: string) {
      const now = clock.now();
      const perIp = await deps.rateLimits.hit(`operator-login:${tenant.id}:${ip}`, IP_WINDOW_MS, LOGINS_PER_IP, now);
      if (!perIp.allowed) throw new RateLimitedError('login-throttled-network', {}, perIp.retryAfterSeconds);
      const email = input.email.trim().toLowerCase();
      const attempt = attemptOf(tenant, email, ip);
      await throttle(attempt, now);
      const row = await operators.findByEmail(tenant.id, email);
      const passwordOk = await verifyPassword(input.password, row?.password_hash ?? null);
      if (!row || row.disabled) return failLogin(attempt, undefined, 'password', 'login-failed');
      if (!passwordOk) await failLogin(attempt, row, 'password', 'login-failed');
      await checkTotp(attempt, row, input.totp);
      await operators.update(tenant.id, row.id, {
        failed_logins: 0,
        locked_until: null,
        last_login_at: now,
        updated_at: now,
      });
      const data: OperatorSessionData = {
        ...(row.must_change_password ? { mustChangePassword: true } : {}),
        ...(tenant.settings.requireTotp && !row.totp_enabled ? { totpSetupRequired: true } : {}),
      };
      const session: CreatedSession = await deps.sessions.create(
        tenant.id,
        { type: 'operator', id: row.id },
        data as Record<string, unknown>,
      );
      await deps.audit.record(tenant.id, now, {
        actorType: 'operator',
        actorId: row.id,
        action: 'operator.login',
        subjectType: 'operator',
        subjectId: row.id,
      });
      return { session, operator: toOperatorView(row), ...data };
    },

    async changePassword(
      tenant: Tenant,
      operatorId: string,
      current: string,
      next: string,
      sessionToken: string | undefined,
    ): Promise<void> {
      const row = await requireOperator(tenant, operatorId);
      if (!(await verifyPassword(current, row.password_hash)))
        throw new ValidationError('currentPassword', 'password-wrong');
      const problem = passwordProblem(next);
      if (problem) throw new ValidationError('newPassword', problem.code, problem.params);
      if (next === current) throw new ValidationError('newPassword', 'password-same');
      const now = clock.now();
      await operators.update(tenant.id, row.id, {
        password_hash: await hashPassword(next),
        must_change_password: 0,
        updated_at: now,
      });
      await deps.sessions.revokeAll(tenant.id, { type: 'operator', id: row.id }, sessionToken);
      if (sessionToken)
        await deps.sessions.update(tenant.id, sessionToken, {
          data: tenant.settings.requireTotp && !row.totp_enabled ? { totpSetupRequired: true } : {},
        });
      await deps.audit.record(tenant.id, now, {
        actorType: 'operator',
        actorId: row.id,
        action: 'operator.password-change',
        subjectType: 'operator',
        subjectId: row.id,
      });
    },

    /** Starts TOTP enrolment: a new secret, active once a code from it is confirmed. */
    async beginTotp(tenant: Tenant, operatorId: string): Promise<{ secret: string; uri: string }> {
      const row = await requireOperator(tenant, operatorId);
      if (row.totp_enabled) throw new ConflictError('totp-set-already');
      const secret = newTotpSecret();
      await operators.update(tenant.id, row.id, {
        totp_secret: sealSecret(deps.secret, secret),
        updated_at: clock.now(),
      });
      return { secret, uri: totpUri(secret, row.email, `Aviso ${tenant.name}`) };
    },

    async confirmTotp(
      tenant: Tenant,
      operatorId: string,
      code: string,
      sessionToken: string | undefined,
    ): Promise<void> {
      const row = await requireOperator(tenant, operatorId);
      if (!row.totp_secret || row.totp_enabled) throw new ConflictError('totp-start-first');
      const step = totpStep(openSecret(deps.secret, row.totp_secret), code.trim(), clock.now());
      if (step === null || !(await claimStep(row, step))) throw new ValidationError('code', 'totp-wrong');
      const now = clock.now();
      await operators.update(tenant.id, row.id, { totp_enabled: 1, updated_at: now });
      if (sessionToken)
        await deps.sessions.update(tenant.id, sessionToken, {
          data: row.must_change_password ? { mustChangePassword: true } : {},
        });
      await deps.audit.record(tenant.id, now, {
        actorType: 'operator',
        actorId: row.id,
        action: 'operator.totp-enabled',
        subjectType: 'operator',
        subjectId: row.id,
      });
    },

    async listOperators(tenant: Tenant): Promise<OperatorView[]> {
      return (await operators.list(tenant.id)).filter((r) => !r.disabled).map(toOperatorView);
    },

    async createToken(
      tenant: Tenant,
      input: { name: string; role: Role },
      actorId: string | null,
    ): Promise<{ id: string; token: string }> {
      const token = `avt_${randomToken(32)}`;
      const id = newId();
      const now = clock.now();
      await operators.insertToken(tenant.id, {
        id,
        token_hash: sha256(token),
        name: input.name,
        role: input.role,
        created_at: now,
        last_used_at: null,
        revoked_at: null,
      });
      await deps.audit.record(tenant.id, now, {
        actorType: actorId ? 'operator' : 'system',
        actorId,
        action: 'token.create',
        subjectType: 'api_token',
        subjectId: id,
        detail: { role: input.role },
      });
      return { id, token };
    },

    async revokeToken(tenant: Tenant, id: string, actorId: string): Promise<void> {
      if (!(await operators.revokeToken(tenant.id, id, clock.now()))) throw new NotFoundError('token');
      await deps.audit.record(tenant.id, clock.now(), {
        actorType: 'operator',
        actorId,
        action: 'token.revoke',
        subjectType: 'api_token',
        subjectId: id,
      });
    },

    /** The live token behind a Bearer value in this tenant; its last use noted at most once a minute. */
    async authenticateToken(tenant: Tenant, bearer: string): Promise<{ id: string; role: Role } | undefined> {
      const row = await operators.findToken(tenant.id, sha256(bearer));
      if (!row) return undefined;
      const now = clock.now();
      if (!row.last_used_at || now - row.last_used_at > 60_000) await operators.touchToken(tenant.id, row.id, now);
      return { id: row.id, role: row.role };
    },
  };
}

export type OperatorService = ReturnType<typeof operatorService>;
