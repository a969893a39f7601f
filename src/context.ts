/**
 * Wires repositories and services once per process. Routes and the CLI receive only the pieces they
 * use; nothing here is a module-level singleton.
 */
import { devInboxServed, pushOffered, type Config } from './config.js';
import type { Agent } from 'node:https';
import { vapidKeyRepository } from './channels/push/vapid-keys.js';
import type { Db } from './db/connection.js';
import { systemClock, type Clock } from './lib/clock.js';
import { buildChannels } from './channels/channels.js';
import { inboxRepository } from './channels/inbox.provider.js';
import { addressRepository } from './modules/addresses/address.repository.js';
import { addressSearch } from './modules/addresses/address.search.js';
import { auditRepository } from './modules/audit/audit.repository.js';
import { createAuth } from './modules/auth/auth.module.js';
import { createResidents } from './modules/residents/residents.module.js';
import { unsubscribeUrl } from './modules/residents/unsubscribe.service.js';
import { createDispatch, type DispatchOptions } from './modules/dispatch/dispatch.module.js';
import { candidateRepository } from './modules/recipients/candidate.repository.js';
import { messageRepository } from './modules/dispatch/message.repository.js';
import { feedService } from './modules/feeds/feed.service.js';
import { createOperators } from './modules/operators/operators.module.js';
import { networkRepository } from './modules/network/network.repository.js';
import { networkService } from './modules/network/network.service.js';
import { createRegister, type RegisterModuleOptions } from './modules/register/register.module.js';
import { tenantRepository } from './modules/tenants/tenant.repository.js';
import { tenantService } from './modules/tenants/tenant.service.js';
import type { Tenant } from './modules/tenants/tenant.types.js';
import { tenantSettingsService } from './modules/tenants/tenant-settings.service.js';
import { migrationStatus } from './db/migrate.js';
import { createMetrics } from './modules/ops/metrics.js';
import { opsRepository } from './modules/ops/ops.repository.js';
import { readinessService } from './modules/ops/readiness.service.js';
import { retentionRepository } from './modules/ops/retention.repository.js';
import { retentionService } from './modules/ops/retention.service.js';

export interface ContextOptions {
  clock?: Clock;
  /** Leases, batch size, rate cap of the dispatch workers (`aviso worker` flags, tests). */
  dispatch?: DispatchOptions;
  /** How long an upload import's job is its worker's (tests: short, to see a dead worker's job come back). */
  register?: RegisterModuleOptions;
  /** The HTTPS agent push services are reached with (tests: one that trusts their stand-in's certificate). */
  pushAgent?: Agent;
}

export function createContext(config: Config, db: Db, options: ContextOptions = {}) {
  const clock = options.clock ?? systemClock;
  const tenants = tenantService({ tenants: tenantRepository(db.kysely), clock });
  const addresses = addressRepository(db.kysely, db.engine);
  const audit = auditRepository(db.kysely);
  const metrics = createMetrics();
  const vapid = vapidKeyRepository(db.kysely, clock);
  const channels = buildChannels(config, db, clock, { meter: metrics.meter, vapid, pushAgent: options.pushAgent });
  const inbox = inboxRepository(db.kysely);
  const auth = createAuth({
    config,
    db: db.ephemeral,
    engine: db.engine,
    clock,
    channels,
    countVerificationPin: metrics.countPinRequest,
    tenantSize: (tenant) => addresses.count(tenant.id),
  });
  const publicUrl = config.publicUrl;
  const unsubscribe = publicUrl
    ? (tenant: Tenant, email: string) => unsubscribeUrl(publicUrl, config.secret, tenant, email)
    : undefined;
  const networks = networkService({ networks: networkRepository(db.kysely) });
  const dispatch = createDispatch(
    { db, clock, channels, audit, unsubscribeUrl: unsubscribe, network: networks },
    options.dispatch,
  );
  const feeds = feedService({
    incidents: dispatch.incidentRepository,
    candidates: candidateRepository(db.kysely),
    messages: messageRepository(db.kysely),
    addresses,
    clock,
  });
  const history = { noticesFor: dispatch.listNoticesForContact };
  const residents = createResidents({
    db: db.kysely,
    engine: db.engine,
    clock,
    secret: config.secret,
    auth,
    tenants,
    addresses,
    audit,
    history,
    push: { offered: pushOffered(config), vapid },
  });
  const register = createRegister({ db, clock, secret: config.secret }, options.register);
  const operators = createOperators({
    db: db.kysely,
    clock,
    sessions: auth.sessions,
    rateLimits: auth.rateLimits,
    audit,
    secret: config.secret,
  });
  const tenantSettings = tenantSettingsService({ tenants, audit, clock });
  const ops = opsRepository(db.kysely);
  const registerRevisions = () => dispatch.registers.revisions();
  metrics.observeAtScrape({
    ops,
    db,
    clock,
    registerRevisions,
    pinBudgets: async () => {
      const list = await tenants.listTenants();
      const statuses = await auth.pins.budgetStatuses(list);
      return list.map((tenant, i) => ({ slug: tenant.slug, status: statuses[i]! }));
    },
  });
  const retention = retentionService({
    repo: retentionRepository(db.kysely),
    listTenants: () => tenants.listTenants(),
    audit,
    clock,
  });
  const readiness = readinessService({ ops, migrationStatus: () => migrationStatus(db), channels, registerRevisions });
  metrics.observeReadiness(() => readiness.check(), clock);
  return {
    config,
    db,
    clock,
    tenants,
    tenantSettings,
    addresses,
    addressSearch: addressSearch(addresses),
    audit,
    channels,
    vapid,
    inbox,
    inboxEnabled: devInboxServed(config),
    auth,
    sessions: auth.sessions,
    rateLimits: auth.rateLimits,
    residents,
    register,
    operators,
    dispatch,
    feeds,
    networks,
    metrics,
    readiness,
    retention,
  };
}

export type Context = ReturnType<typeof createContext>;
