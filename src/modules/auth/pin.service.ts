/**
 * One-time PINs, for logging in and for verifying a new number or email: issued from the CSPRNG, stored
 * only as a keyed hash, valid `pinTtlMinutes`, single use, at most MAX_ATTEMPTS_PER_PIN guesses from each
 * source and MAX_GUESSES_PER_PIN from all (so that a few addresses guessing cannot void the owner's PIN).
 * The limits against brute force and SMS pumping are the tenant's settings, counted in the database so
 * that every server process shares them:
 * - PINs per client IP per hour, PINs per endpoint per hour, a resend cooldown per subject;
 * - failed guesses per endpoint per source (client IP) per day — a count that a new PIN does not reset —
 *   and per IP per hour. Lockouts are per PIN and per source, never of the endpoint itself: guesses
 *   from elsewhere do not lock its owner out, and guesses at an endpoint with no live PIN count against
 *   their source only. Guesses from many sources are bounded by the PINs per endpoint per hour, each
 *   good for MAX_ATTEMPTS_PER_PIN guesses;
 * - budgets of PINs by SMS or voice (they cost money, and pumping them is toll fraud): per tenant per hour
 *   and per day (tenant settings), across all tenants per hour and per day (`AVISO_PIN_BUDGET`). Voice
 *   PINs stop first, at `voicePinBudgetPercent` of each budget.
 */
import { AppError, FieldError, fieldProblem, RateLimitedError } from '../../errors.js';
import { problemText } from '../../problems.js';
import type { Clock } from '../../lib/clock.js';
import { keyedHash, randomDigits, safeEqual } from '../../lib/crypto.js';
import { newId } from '../../lib/ids.js';
import type { LoginContact } from './login-contact.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { PinPurpose, PinRepository } from './pin.repository.js';
import { windowStartOf, type RateLimitRepository } from './rate-limit.repository.js';

/** Guesses one source (client IP) gets at one PIN: guesses from elsewhere do not use up the owner's. */
export const MAX_ATTEMPTS_PER_PIN = 5;
/** Guesses at one PIN from all sources together (compared ones), past which it is void: many sources' worth. */
export const MAX_GUESSES_PER_PIN = 50;
/** Wrong guesses one source (client IP) may make at one endpoint per day, across its PINs, before it is refused there for the day. */
export const MAX_FAILURES_PER_ENDPOINT_PER_DAY = 20;
/** Counters are 32-bit integers in the database (a limit above that must not become an out-of-range parameter). */
const MAX_COUNT = 2_147_483_647;
/** Wrong guesses per client IP per hour: PINs per IP per hour × attempts per PIN, at least 50. */
const failuresPerIpPerHour = (tenant: Tenant) =>
  Math.min(MAX_COUNT, Math.max(50, tenant.settings.pinsPerIpPerHour * MAX_ATTEMPTS_PER_PIN));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The `rate_counters` keys of the PIN budgets (hour and day windows). */
export const pinBudgetKeys = {
  tenantHour: (tenantId: string) => `pin-budget-hour:${tenantId}`,
  tenantDay: (tenantId: string) => `pin-budget-day:${tenantId}`,
  globalHour: 'pin-budget-hour:*',
  globalDay: 'pin-budget-day:*',
} as const;
const PRUNE_EVERY_MS = 60_000;

/** The key of an endpoint (E.164 number or email) in PIN subjects and counters: a keyed hash, never the value. */
export const endpointKey = (secret: string, value: string): string => keyedHash(secret, `endpoint:${value}`);

/** Who a PIN is for and which counters it falls under. */
export interface PinTarget {
  purpose: PinPurpose;
  /** Login: the endpoint key. Verification: the endpoint's id. */
  subject: string;
  /** Keyed hash of the E.164 number or email: the per-endpoint counters, shared by login and verification. */
  endpointKey: string;
  ip: string;
  /** How the PIN goes out: SMS and voice PINs count against the budgets, email ones do not. */
  channel: PinChannel;
}

export type PinChannel = 'sms' | 'voice' | 'email';

/** PINs by SMS or voice across all tenants, per hour and per day. */
export interface GlobalPinBudget {
  perHour: number;
  perDay: number;
}

/** The share of a PIN budget from which operators are alerted. */
export const BUDGET_ALERT_SHARE = 0.8;

interface BudgetWindow {
  count: number;
  limit: number;
}

/** What operators see of the PIN budgets (`GET /api/t/{tenant}/pin-budget`). */
export interface PinBudgetStatus {
  tenant: { hour: BudgetWindow; day: BudgetWindow };
  global: { hour: BudgetWindow; day: BudgetWindow };
  voicePaused: boolean;
  alert: boolean;
}

/** A spent PIN budget: 429, no PIN sent. By voice, the `phone` field says that a mobile number or an email still works. */
export class PinBudgetSpentError extends AppError {
  constructor(voice: boolean, retryAfterSeconds: number) {
    const problems = voice ? [fieldProblem('phone', 'pin-budget-voice')] : [];
    super(
      'pin-budget-spent',
      429,
      {},
      problems,
      { retryAfter: retryAfterSeconds },
      problemText(voice ? 'pin-budget-voice' : 'pin-budget-spent'),
    );
  }
}

/** A wrong, expired, spent or already used PIN: 400 naming the `pin` field. */
export class PinRejectedError extends FieldError {
  constructor(attemptsLeft: number) {
    super(
      400,
      'pin',
      attemptsLeft > 0 ? 'pin-rejected' : 'pin-rejected-last',
      undefined,
      { attemptsLeft },
      'pin-rejected',
    );
  }
}

/**
 * A tenant's PIN budgets when it has not set them, sized by the addresses in its register: an hour's
 * budget of one PIN per 25 addresses, at least 50 and at most 5,000; the day's five hours' worth.
 */
export function sizedPinBudget(addresses: number): GlobalPinBudget {
  const perHour = Math.min(5_000, Math.max(50, Math.ceil(addresses / 25)));
  return { perHour, perDay: perHour * 5 };
}
/** How long a tenant's size (its address count) is taken as known. */
const SIZE_TTL_MS = 10 * 60_000;

export interface PinServiceDeps {
  pins: PinRepository;
  rateLimits: RateLimitRepository;
  secret: string;
  clock: Clock;
  globalBudget: GlobalPinBudget;
  /** The addresses in the tenant's register: what its PIN budgets are sized by when it has not set them. */
  tenantSize?: ((tenant: Tenant) => Promise<number>) | undefined;
  /** Counts a verification PIN refused by a limit (its problem code); login PINs are counted at their route. */
  countVerificationPin?: ((outcome: string) => void) | undefined;
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

export function pinService(deps: PinServiceDeps) {
  const { pins, rateLimits, clock } = deps;
  const hashOf = (pinId: string, code: string) => keyedHash(deps.secret, `pin:${pinId}:${code}`);
  const keys = (tenant: Tenant, target: PinTarget) => ({
    ipIssued: `pin-ip:${tenant.id}:${target.ip}`,
    endpointIssued: `pin-endpoint:${tenant.id}:${target.endpointKey}`,
    endpointFailed: `pin-fail:${tenant.id}:${target.endpointKey}:${target.ip}`,
    ipFailed: `pin-fail-ip:${tenant.id}:${target.ip}`,
  });
  let lastPrune = 0;

  const sizes = new Map<string, { at: number; budget: GlobalPinBudget }>();
  /** The tenant's PIN budgets: its settings, else sized by its addresses (counted at most every SIZE_TTL_MS). */
  async function tenantBudget(tenant: Tenant, now: number): Promise<GlobalPinBudget> {
    const { pinsPerTenantPerHour: perHour, pinsPerTenantPerDay: perDay } = tenant.settings;
    if (perHour !== null && perDay !== null) return { perHour, perDay };
    let known = sizes.get(tenant.id);
    if (!known || now - known.at > SIZE_TTL_MS) {
      known = { at: now, budget: sizedPinBudget(deps.tenantSize ? await deps.tenantSize(tenant) : 0) };
      sizes.set(tenant.id, known);
    }
    return { perHour: perHour ?? known.budget.perHour, perDay: perDay ?? known.budget.perDay };
  }

  /** The budget counters a PIN by `channel` counts against (none for email); voice is held to a share of each. */
  const budgetCounters = (tenant: Tenant, budget: GlobalPinBudget, channel: PinChannel, now: number) => {
    if (channel === 'email') return [];
    const share = channel === 'voice' ? tenant.settings.voicePinBudgetPercent / 100 : 1;
    const limit = (budget: number) => Math.min(MAX_COUNT, Math.floor(budget * share));
    const hour = windowStartOf(now, HOUR);
    const day = windowStartOf(now, DAY);
    return [
      {
        key: pinBudgetKeys.tenantHour(tenant.id),
        windowStart: hour,
        limit: limit(budget.perHour),
      },
      { key: pinBudgetKeys.tenantDay(tenant.id), windowStart: day, limit: limit(budget.perDay) },
      { key: pinBudgetKeys.globalHour, windowStart: hour, limit: limit(deps.globalBudget.perHour) },
      { key: pinBudgetKeys.globalDay, windowStart: day, limit: limit(deps.globalBudget.perDay) },
    ];
  };

  /** Refuses while this source is locked out of the endpoint by too many wrong guesses today, or out of everything by too many this hour. */
  function refuseWhenLocked(tenant: Tenant, target: PinTarget, fails: Map<string, number>, now: number): void {
    const k = keys(tenant, target);
    if ((fails.get(k.endpointFailed) ?? 0) >= MAX_FAILURES_PER_ENDPOINT_PER_DAY) {
      const wait = rateLimits.retryAfter(DAY, now);
      throw new RateLimitedError('pin-guesses-target', { minutes: minutes(wait) }, wait);
    }
    if ((fails.get(k.ipFailed) ?? 0) >= failuresPerIpPerHour(tenant)) {
      const wait = rateLimits.retryAfter(HOUR, now);
      throw new RateLimitedError('pin-guesses-network', { minutes: minutes(wait) }, wait);
    }
  }

  /** The counters of failed guesses that lock a source out of an endpoint (a day) or out of everything (an hour), with their limits; in this order. */
  const failureCounters = (tenant: Tenant, target: PinTarget, now: number) => {
    const k = keys(tenant, target);
    return [
      {
        key: k.endpointFailed,
        windowMs: DAY,
        windowStart: windowStartOf(now, DAY),
        limit: MAX_FAILURES_PER_ENDPOINT_PER_DAY,
      },
      { key: k.ipFailed, windowMs: HOUR, windowStart: windowStartOf(now, HOUR), limit: failuresPerIpPerHour(tenant) },
    ];
  };

  function refuseDuringCooldown(tenant: Tenant, issuedAt: number | undefined, now: number): void {
    const cooldownMs = tenant.settings.pinResendCooldownSeconds * 1000;
    if (issuedAt !== undefined && issuedAt > now - cooldownMs) {
      const wait = Math.max(1, Math.ceil((issuedAt + cooldownMs - now) / 1000));
      throw new RateLimitedError('pin-cooldown', { seconds: wait }, wait);
    }
  }

  /** The hourly limits every PIN asked for counts against: per client IP, per endpoint. */
  const issueCounters = (tenant: Tenant, target: PinTarget, now: number) => {
    const k = keys(tenant, target);
    return [
      {
        key: k.ipIssued,
        windowStart: windowStartOf(now, HOUR),
        limit: tenant.settings.pinsPerIpPerHour,
        code: 'pin-limit-network' as const,
      },
      {
        key: k.endpointIssued,
        windowStart: windowStartOf(now, HOUR),
        limit: tenant.settings.pinsPerEndpointPerHour,
        code: 'pin-limit-target' as const,
      },
    ];
  };

  /** The budgets of each tenant (`budgetStatus`), read in one statement: what the metrics show when scraped. */
  async function budgetStatuses(tenants: readonly Tenant[]): Promise<PinBudgetStatus[]> {
    const now = clock.now();
    const windowMs = (i: number) => (i % 2 === 0 ? HOUR : DAY);
    const perTenant = await Promise.all(
      tenants.map(async (tenant) => {
        const budget = await tenantBudget(tenant, now);
        return {
          counters: budgetCounters(tenant, budget, 'sms', now),
          voice: budgetCounters(tenant, budget, 'voice', now),
        };
      }),
    );
    const keys = new Map(perTenant.flatMap((t) => t.counters.map((c, i) => [c.key, windowMs(i)] as const)));
    const counts = await rateLimits.peek(
      [...keys].map(([key, ms]) => ({ key, windowMs: ms })),
      now,
    );
    return perTenant.map(({ counters, voice }) => {
      const windows = counters.map((c) => ({ count: counts.get(c.key) ?? 0, limit: c.limit }));
      return {
        tenant: { hour: windows[0]!, day: windows[1]! },
        global: { hour: windows[2]!, day: windows[3]! },
        voicePaused: windows.some((w, i) => w.count >= voice[i]!.limit),
        alert: windows.some((w) => w.count >= BUDGET_ALERT_SHARE * w.limit),
      };
    });
  }

  /** Issues a PIN (see `issue`). */
  async function issuePin(
    tenant: Tenant,
    target: PinTarget,
    claim?: { key: string; until: number; taken: () => Error },
  ): Promise<{ code: string; expiresAt: number }> {
    const now = clock.now();
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      await pins.deleteExpired(now);
    }
    await rateLimits.prune(now);
    const id = newId();
    const code = randomDigits(tenant.settings.pinLength);
    const expiresAt = now + tenant.settings.pinTtlMinutes * 60_000;
    const cooldownMs = tenant.settings.pinResendCooldownSeconds * 1000;
    const locks = failureCounters(tenant, target, now);
    const counters = issueCounters(tenant, target, now);
    // One statement on PostgreSQL: a request refused by the cooldown or a lock counts against no hourly
    // limit (it sends nothing); otherwise it counts, and the PIN is stored if every limit holds.
    const outcome = await pins.issue(
      tenant.id,
      { id, purpose: target.purpose, subject: target.subject, codeHash: hashOf(id, code), createdAt: now, expiresAt },
      {
        claim,
        notIssuedAfter: now - cooldownMs,
        locks,
        counters,
        budgets: budgetCounters(tenant, await tenantBudget(tenant, now), target.channel, now),
      },
    );
    if (!outcome.claimed) throw claim!.taken();
    refuseDuringCooldown(tenant, outcome.issuedAt, now);
    refuseWhenLocked(tenant, target, new Map(locks.map((c, i) => [c.key, outcome.lockCounts[i] ?? 0])), now);
    for (const [i, counter] of counters.entries()) {
      if ((outcome.counts?.[i] ?? 0) <= counter.limit) continue;
      const wait = rateLimits.retryAfter(HOUR, now);
      throw new RateLimitedError(counter.code, { minutes: minutes(wait) }, wait);
    }
    if (!outcome.withinBudget) {
      const wait = rateLimits.retryAfter(HOUR, now);
      throw new PinBudgetSpentError(target.channel === 'voice', wait);
    }
    if (!outcome.stored)
      throw new RateLimitedError(
        'pin-cooldown',
        { seconds: tenant.settings.pinResendCooldownSeconds },
        tenant.settings.pinResendCooldownSeconds,
      );
    return { code, expiresAt };
  }

  /**
   * Like `check`, but a right PIN is handed to `use`, which must consume it (`pins.id`) in the same
   * statement as its own write — single use, one round trip — and return undefined when it was gone
   * already (a parallel request used it): that counts as a wrong guess. With `loginValue`, `use` also
   * gets what logging in with that endpoint opens, read by the claim's own statement.
   */
  async function checkThen<T>(
    tenant: Tenant,
    target: PinTarget,
    code: string,
    use: (pinId: string, login: LoginContact | undefined) => Promise<T | undefined>,
    loginValue?: string,
  ): Promise<T> {
    const now = clock.now();
    const counters = failureCounters(tenant, target, now);
    // The lock is checked inside the claim (one statement on the way to a login); only a refusal asks why.
    const attempt = await pins.claimAttempt(
      tenant.id,
      target.purpose,
      target.subject,
      MAX_GUESSES_PER_PIN,
      now,
      counters,
      loginValue,
    );
    if (!attempt) refuseWhenLocked(tenant, target, await rateLimits.peek(counters, now), now);
    // This source's guesses at this PIN, counted atomically: parallel guesses get no more than their share.
    const tries =
      attempt && (await rateLimits.hit(`pin-try:${attempt.id}:${target.ip}`, DAY, MAX_ATTEMPTS_PER_PIN, now));
    // A guess past its source's share is not compared, and gives back the PIN's attempt it claimed.
    if (attempt && !tries!.allowed) await pins.releaseAttempt(tenant.id, attempt.id);
    const compared = attempt && tries!.allowed ? attempt : undefined;
    // Hashing a candidate even when there is no PIN keeps "no PIN" and "wrong PIN" equally fast.
    const candidate = hashOf(compared?.id ?? 'none', code);
    if (compared && safeEqual(candidate, compared.codeHash)) {
      const used = await use(compared.id, compared.login);
      if (used !== undefined) return used;
    }
    // A guess at an endpoint with no live PIN counts against its source only (the second counter).
    await rateLimits.hitMany(attempt ? counters : counters.slice(1), now);
    throw new PinRejectedError(tries ? Math.max(0, MAX_ATTEMPTS_PER_PIN - tries.count) : 0);
  }

  return {
    /**
     * Issues a PIN in place of the subject's previous one; throws RateLimitedError when a limit refuses.
     * `claim` (a CAPTCHA solution) is claimed once first, in the same statement; when it was claimed
     * before, nothing else happens and `claim.taken()` is thrown.
     */
    async issue(
      tenant: Tenant,
      target: PinTarget,
      claim?: { key: string; until: number; taken: () => Error },
    ): Promise<{ code: string; expiresAt: number }> {
      if (target.purpose === 'login' || !deps.countVerificationPin) return issuePin(tenant, target, claim);
      const count = deps.countVerificationPin;
      return issuePin(tenant, target, claim).catch((error: unknown) => {
        if (error instanceof AppError) count(error.code);
        throw error;
      });
    },

    /** Accepts the PIN once (and then it is gone); throws PinRejectedError or RateLimitedError otherwise. */
    async check(tenant: Tenant, target: PinTarget, code: string): Promise<void> {
      await checkThen(tenant, target, code, async (pinId) =>
        (await pins.consume(tenant.id, pinId)) ? true : undefined,
      );
    },

    checkThen,

    /** The share of its hourly PIN budget the tenant has used (what the CAPTCHA's cost follows). */
    async hourlyShare(tenant: Tenant): Promise<number> {
      const now = clock.now();
      const key = pinBudgetKeys.tenantHour(tenant.id);
      const count = (await rateLimits.peek([{ key, windowMs: HOUR }], now)).get(key) ?? 0;
      return count / (await tenantBudget(tenant, now)).perHour;
    },

    /**
     * The PIN budgets as they stand: count and limit per window, for the tenant and for all tenants;
     * `voicePaused` once a count reaches the voice share, `alert` from 80 % of any budget.
     */
    budgetStatus: async (tenant: Tenant): Promise<PinBudgetStatus> => (await budgetStatuses([tenant]))[0]!,

    budgetStatuses,

    /** Drops the subject's PIN (the endpoint it verifies was removed). */
    forget: (tenant: Tenant, purpose: PinPurpose, subject: string) =>
      pins.deleteForSubject(tenant.id, purpose, subject),
  };
}

export type PinService = ReturnType<typeof pinService>;
