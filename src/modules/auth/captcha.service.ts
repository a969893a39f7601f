/**
 * "I'm not a robot", self-hosted: ALTCHA proof of work (altcha-lib). The server hands out a signed
 * challenge (HMAC key derived from the server secret), the browser searches for the number that hashes to
 * it, the server checks the solution with one hash and one HMAC — and accepts each solution once.
 * A challenge names the tenant that issued it and its cost (signed salt parameters): it is valid at that
 * tenant only. Its cost rises with the tenant's PIN rate this hour, so that a pumping bot pays more the
 * harder it pumps — and solutions of challenges fetched cheaply before a surge are refused during it.
 * `AVISO_CAPTCHA=off` turns it off for closed set-ups.
 */
import { createHash, createHmac } from 'node:crypto';
import { createChallenge, extractParams } from 'altcha-lib';
import type { Challenge } from 'altcha-lib/types';
import { ValidationError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { keyedHash, safeEqual } from '../../lib/crypto.js';
import type { RateLimitRepository } from './rate-limit.repository.js';
import type { ProblemCode } from '../../problems.js';

/**
 * The search space. A phone's browser tries roughly 100–200 k SHA-256 per second in a worker, and the
 * search stops on average half-way, so 150 k gives about a second on a phone and far less on a desktop.
 */
export const CAPTCHA_MAX_NUMBER = 150_000;
export const CAPTCHA_TTL_MS = 10 * 60_000;
/** The most the cost is raised: at a PIN rate at or over the tenant's hourly budget (about 20 s on a phone). */
export const CAPTCHA_MAX_FACTOR = 20;
/** Below this share of the hourly budget, the cost stays at the base. */
const CAPTCHA_CALM_SHARE = 0.1;
/** How long a tenant's cost factor is reused before the PIN rate is read again. */
const COST_CACHE_MS = 5_000;

/** The cost factor at a PIN rate of `share` of the hourly budget: 1 while calm, rising linearly to the maximum at the budget. */
export function captchaCostFactor(share: number): number {
  if (!(share > CAPTCHA_CALM_SHARE)) return 1;
  const rise = Math.min(1, (share - CAPTCHA_CALM_SHARE) / (1 - CAPTCHA_CALM_SHARE));
  return Math.round(1 + rise * (CAPTCHA_MAX_FACTOR - 1));
}

/** The HMAC key that signs challenges: derived from the server secret, so every process agrees on it. */
export const captchaHmacKey = (secret: string): string => keyedHash(secret, 'altcha-hmac-key');

const NODE_ALGORITHMS: Record<string, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

interface Solution {
  algorithm: string;
  challenge: string;
  number: number;
  salt: string;
  signature: string;
}

const isSolution = (value: unknown): value is Solution => {
  const v = value as Partial<Solution> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.algorithm === 'string' &&
    typeof v.challenge === 'string' &&
    typeof v.number === 'number' &&
    Number.isInteger(v.number) &&
    v.number >= 0 &&
    typeof v.salt === 'string' &&
    typeof v.signature === 'string'
  );
};

/**
 * altcha-lib's `verifySolution`, computed with Node's synchronous hashing: `challenge` must be the hash
 * of salt + number and `signature` the HMAC of the challenge. altcha-lib does the same through WebCrypto,
 * whose every call is a trip through libuv's four-thread pool: at 100 concurrent logins that queue made a
 * verification take ~85 ms instead of microseconds. (test/auth/captcha.test.ts checks both agree.)
 */
export function verifyAltchaSolution(solution: Solution, hmacKey: string): boolean {
  const algorithm = NODE_ALGORITHMS[solution.algorithm];
  if (!algorithm) return false;
  const challenge = createHash(algorithm)
    .update(solution.salt + solution.number)
    .digest('hex');
  const signature = createHmac(algorithm, hmacKey).update(challenge).digest('hex');
  return safeEqual(challenge, solution.challenge) && safeEqual(signature, solution.signature);
}

/** A checked solution, to be claimed once (by `verify`, or by the caller in a statement of its own). */
export interface SolutionClaim {
  key: string;
  /** When the solution expires: the claim is kept until then. */
  until: number;
}

/** A solution that was claimed before. */
export const usedSolutionError = () => new ValidationError('captcha', 'captcha-used');

/** Where a challenge is issued: the tenant, and its share of the hourly PIN budget used so far. */
export interface ChallengeScope {
  tenantId: string;
  pinRateShare: () => Promise<number>;
}

export interface CaptchaServiceDeps {
  mode: 'altcha' | 'off';
  secret: string;
  rateLimits: Pick<RateLimitRepository, 'claimOnce'>;
  clock: Clock;
  maxNumber?: number;
}

export function captchaService(deps: CaptchaServiceDeps) {
  const hmacKey = captchaHmacKey(deps.secret);
  const maxNumber = deps.maxNumber ?? CAPTCHA_MAX_NUMBER;
  const refuse = (code: ProblemCode) => new ValidationError('captcha', code);
  const enabled = deps.mode === 'altcha';

  const costs = new Map<string, { factor: number; at: number }>();

  /** The tenant's cost factor now (read at most every few seconds per process). */
  async function costFactor(scope: ChallengeScope): Promise<number> {
    const now = deps.clock.now();
    const cached = costs.get(scope.tenantId);
    if (cached && now - cached.at < COST_CACHE_MS) return cached.factor;
    const factor = captchaCostFactor(await scope.pinRateShare());
    if (costs.size > 10_000) costs.clear();
    costs.set(scope.tenantId, { factor, at: now });
    return factor;
  }

  /**
   * Checks a solution of `tenantId`'s: signed, not expired, and made for at least half the cost `factor`
   * asks now (a challenge may be solved while the rate rises, not stockpiled before a surge).
   */
  function check(payload: string | undefined, tenantId: string, factor = 1): SolutionClaim | undefined {
    if (!enabled) return undefined;
    if (!payload) throw refuse('captcha-missing');
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    } catch {
      throw refuse('captcha-invalid');
    }
    if (!isSolution(decoded)) throw refuse('captcha-invalid');
    // Expiry against our clock (altcha-lib would use the system clock).
    const params = extractParams({ salt: decoded.salt } as Parameters<typeof extractParams>[0]);
    const expires = Number(params.expires) * 1000;
    const now = deps.clock.now();
    if (!Number.isFinite(expires) || expires < now) throw refuse('captcha-expired');
    // The salt (and with it the tenant) is under the signature: a solution checked here was issued here.
    if (!verifyAltchaSolution(decoded, hmacKey) || params.tenant !== tenantId) {
      throw refuse('captcha-wrong');
    }
    if (Number(params.cost) * 2 < factor) throw refuse('captcha-expired');
    return { key: `captcha:${decoded.signature}`, until: expires };
  }

  return {
    enabled,

    /** A challenge valid at this tenant only, costing more the more PINs the tenant sends this hour. */
    async challenge(scope: ChallengeScope): Promise<Challenge> {
      const factor = await costFactor(scope);
      const params = { tenant: scope.tenantId, cost: String(factor) };
      return createChallenge({
        hmacKey,
        maxNumber: maxNumber * factor,
        expires: new Date(deps.clock.now() + CAPTCHA_TTL_MS),
        params,
      });
    },

    costFactor,

    /** Accepts a solution (the widget's base64 payload) of this tenant's once; throws ValidationError naming `captcha`. */
    async verify(payload: string | undefined, tenantId: string): Promise<void> {
      const claim = check(payload, tenantId);
      if (claim && !(await deps.rateLimits.claimOnce(claim.key, claim.until, deps.clock.now())))
        throw usedSolutionError();
    },

    /**
     * Checks a solution without claiming it (see `check` above; `factor` from `costFactor`): the claim the
     * caller must make (once, e.g. in the statement that uses it) for it to count, or undefined when the
     * CAPTCHA is off. Throws ValidationError naming `captcha`.
     */
    check,
  };
}

export type CaptchaService = ReturnType<typeof captchaService>;
