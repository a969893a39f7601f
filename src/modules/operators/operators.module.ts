/** Wires operator accounts and tokens once per process, on the residents' session core and rate limits. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { RateLimitRepository } from '../auth/rate-limit.repository.js';
import type { SessionService } from '../auth/session.service.js';
import { operatorRepository } from './operator.repository.js';
import { operatorService } from './operator.service.js';

export interface OperatorsDeps {
  db: Kysely<Database>;
  clock: Clock;
  sessions: SessionService;
  rateLimits: RateLimitRepository;
  audit: AuditRepository;
  secret: string;
}

export function createOperators(deps: OperatorsDeps) {
  return operatorService({
    operators: operatorRepository(deps.db),
    sessions: deps.sessions,
    rateLimits: deps.rateLimits,
    audit: deps.audit,
    clock: deps.clock,
    secret: deps.secret,
  });
}
