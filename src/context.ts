/**
 * Wires repositories and services once per process. Routes and the CLI receive only the pieces they
 * use; nothing here is a module-level singleton.
 */
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import { systemClock, type Clock } from './lib/clock.js';
import { buildChannels, usesInbox } from './channels/channels.js';
import { inboxRepository } from './channels/inbox.provider.js';
import { addressRepository } from './modules/addresses/address.repository.js';
import { auditRepository } from './modules/audit/audit.repository.js';
import { tenantRepository } from './modules/tenants/tenant.repository.js';
import { tenantService } from './modules/tenants/tenant.service.js';

export interface ContextOptions {
  clock?: Clock;
}

export function createContext(config: Config, db: Db, options: ContextOptions = {}) {
  const clock = options.clock ?? systemClock;
  const tenants = tenantService({ tenants: tenantRepository(db.kysely), clock });
  const addresses = addressRepository(db.kysely, db.dialect);
  const audit = auditRepository(db.kysely);
  const channels = buildChannels(config, db, clock);
  const inbox = inboxRepository(db.kysely);
  return { config, db, clock, tenants, addresses, audit, channels, inbox, inboxEnabled: usesInbox(config) };
}

export type Context = ReturnType<typeof createContext>;
