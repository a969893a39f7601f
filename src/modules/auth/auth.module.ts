/**
 * Wires the auth pieces once per process: sessions, database-kept rate limits, PINs and their delivery,
 * the CAPTCHA. Operators' logins reuse `sessions` and `rateLimits`.
 */
import type { Kysely } from 'kysely';
import type { Channels } from '../../channels/channel.js';
import type { Config } from '../../config.js';
import type { Engine } from '../../db/engines/engine.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { captchaService } from './captcha.service.js';
import { pinDelivery } from './pin-delivery.js';
import { pinRepository } from './pin.repository.js';
import { pinService } from './pin.service.js';
import { rateLimitRepository } from './rate-limit.repository.js';
import { sessionService } from './session.service.js';

export interface AuthDeps {
  config: Pick<Config, 'secret' | 'captcha' | 'pinBudget'>;
  db: Kysely<Database>;
  engine: Pick<Engine, 'pinIssuer' | 'sessionFromPin'>;
  clock: Clock;
  channels: Channels;
  /** Counts verification PINs by outcome, as the login route's PINs are counted (`aviso_pin_requests_total`). */
  countVerificationPin?: (outcome: string) => void;
  /** The addresses in a tenant's register: its PIN budgets are sized by them unless it set them. */
  tenantSize?: (tenant: Tenant) => Promise<number>;
}

export function createAuth(deps: AuthDeps) {
  const { config, db, clock } = deps;
  const rateLimits = rateLimitRepository(db);
  return {
    rateLimits,
    sessions: sessionService({ db, engine: deps.engine, clock }),
    pins: pinService({
      pins: pinRepository(db, deps.engine),
      rateLimits,
      secret: config.secret,
      clock,
      globalBudget: config.pinBudget,
      countVerificationPin: deps.countVerificationPin,
      tenantSize: deps.tenantSize,
    }),
    sendPin: pinDelivery({ channels: deps.channels, countVerificationPin: deps.countVerificationPin }),
    captcha: captchaService({ mode: config.captcha, secret: config.secret, rateLimits, clock }),
  };
}

export type Auth = ReturnType<typeof createAuth>;
