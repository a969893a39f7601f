/** Wires incidents, preview, messages, the queue and the workers once per process. */
import type { Channels } from '../../channels/channel.js';
import type { Db } from '../../db/connection.js';
import type { Clock } from '../../lib/clock.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { createJobQueue } from '../../jobs/queue.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { incidentRepository } from '../incidents/incident.repository.js';
import { incidentService, type IncidentServiceDeps } from '../incidents/incident.service.js';
import { tenantRepository } from '../tenants/tenant.repository.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { unwrittenAnswers } from './unwritten-answers.js';
import { batchSender } from './batch.sender.js';
import { candidateRepository } from '../recipients/candidate.repository.js';
import { dispatchRuntime } from './dispatch.runtime.js';
import { dispatchStarter } from './dispatch.starter.js';
import { deliveryRepository } from './delivery.repository.js';
import { messageRepository } from './message.repository.js';
import { messageService } from './message.service.js';
import { sharedPacer } from './pacer.js';
import { BATCH_JOB_ATTEMPTS, BATCH_JOB_LEASE_MS, LEASE_MS } from './retry-policy.js';
import { incidentAddresses, previewService, type PreviewDeps } from '../recipients/preview.service.js';
import { mapService } from '../maps/map.service.js';
import { recipientRepository } from '../recipients/recipient.repository.js';
import { registerCache } from '../recipients/register-cache.js';
import { registerIndexRepository } from '../recipients/register-index.repository.js';
import { changeLogRepository } from '../register/change-log.repository.js';
import { smsReplies } from '../replies/sms-replies.js';

export interface DispatchOptions {
  /** How long a worker holds a message it starts or a batch it sends before others presume it dead. */
  leaseMs?: number;
  /** Recipients per batch job. */
  batchSize?: number;
  /** Caps every channel's rate in this process (messages per second). */
  maxPerSecond?: number | undefined;
  /** Addresses this process keeps in its register indexes, over all tenants. */
  registerCacheAddresses?: number | undefined;
  /** This worker process's stable, unique id (`aviso worker --id`), if it has one. */
  workerId?: string | undefined;
  /** How long a batch job may be held with its batch unclaimed before it is given back (tests shorten it). */
  orphanedJobMs?: number | undefined;
}

export interface DispatchDeps {
  db: Db;
  clock: Clock;
  channels: Channels;
  /** The one-click unsubscribe address of an email at a tenant; undefined without a public URL to make it from. */
  unsubscribeUrl?: ((tenant: Tenant, email: string) => string) | undefined;
  audit: AuditRepository;
  /** Pipe network traces, for incidents whose area is one. */
  network?:
    | { traceOutline: IncidentServiceDeps['traceOutline']; tracedAddressIds: PreviewDeps['tracedAddressIds'] }
    | undefined;
}

export const DEFAULT_BATCH_SIZE = 1000;
const TENANT_CACHE_MS = 5000;
/** How long the register change log keeps a change. */
const REGISTER_CHANGES_KEPT_MS = 24 * 3_600_000;

export function createDispatch(deps: DispatchDeps, options: DispatchOptions = {}) {
  const { db, clock, audit } = deps;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const tenantsById = tenantRepository(db.kysely);
  // Every batch needs its tenant (sender name, languages): read once every few seconds, not per batch.
  const tenantCache = new Map<string, { at: number; tenant: Promise<Tenant | undefined> }>();
  const findTenant = (id: TenantId): Promise<Tenant | undefined> => {
    const now = Date.now();
    const hit = tenantCache.get(id);
    if (hit && now - hit.at < TENANT_CACHE_MS) return hit.tenant;
    const tenant = tenantsById.findById(id);
    tenantCache.set(id, { at: now, tenant });
    return tenant;
  };
  const incidentRepo = incidentRepository(db.kysely);
  const candidates = candidateRepository(db.kysely);
  const incidents = incidentService({
    incidents: incidentRepo,
    audit,
    clock,
    selectionPoints: candidates.onStreetsOrPostalCodes,
    traceOutline: deps.network?.traceOutline,
  });
  const tracedAddressIds = deps.network?.tracedAddressIds;
  const messages = messageRepository(db.kysely);
  const deliveries = deliveryRepository(db.kysely, db.engine);
  const recipients = recipientRepository(db.kysely, db.engine);
  const changes = changeLogRepository(db.kysely);
  const registers = registerCache(registerIndexRepository(db.kysely, changes), changes, {
    ...(options.registerCacheAddresses ? { maxAddresses: options.registerCacheAddresses } : {}),
  });
  const preview = previewService({ candidates, registers, recipients, clock, tracedAddressIds });
  const queue = createJobQueue(db, { clock, leaseMs: BATCH_JOB_LEASE_MS, maxAttempts: BATCH_JOB_ATTEMPTS });
  const starter = dispatchStarter({
    messages,
    deliveries,
    recipients,
    incidents: incidentRepo,
    resolve: preview.resolve,
    queue,
    audit,
    clock,
    findTenant,
    leaseMs,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
  });
  const unwritten = unwrittenAnswers();
  const sender = batchSender({
    messages,
    deliveries,
    channels: deps.channels,
    clock,
    pacer: sharedPacer(db.kysely),
    findTenant,
    leaseMs,
    maxPerSecond: options.maxPerSecond,
    unsubscribeUrl: deps.unsubscribeUrl,
    workerId: options.workerId,
    unwritten,
  });
  const replies = smsReplies({
    db: db.kysely,
    clock,
    channels: deps.channels,
    findTenant: (id) => tenantsById.findById(id),
  });
  const runtime = dispatchRuntime({
    queue,
    sender,
    starter,
    messages,
    deliveries,
    channels: deps.channels,
    clock,
    receiveSms: replies.receive,
    // A register index older than this rebuilds whole instead of reading changes (the log has a gap).
    housekeeping: (now) => changes.prune(now - REGISTER_CHANGES_KEPT_MS),
    workerId: options.workerId,
    unwritten,
    orphanedJobMs: options.orphanedJobMs,
  });
  return {
    incidents,
    incidentRepository: incidentRepo,
    preview,
    maps: mapService({
      registers,
      findIncident: (tenantId, id) => incidentRepo.find(tenantId, id),
      addressesOf: incidentAddresses({ candidates, registers, tracedAddressIds }),
    }),
    messages: messageService({ messages, deliveries, incidents, starter, queue, audit, clock }),
    recipients,
    registers,
    /** Builds every tenant's register index ahead of its first preview (a million addresses take seconds). */
    async warmRegisters(): Promise<number> {
      const tenants = await tenantsById.list();
      await registers.warm(tenants.map((t) => t.id));
      return tenants.length;
    },
    queue,
    runtime,
    /** SMS residents sent back: STOP opt-outs and replies to incidents. */
    replies,
    /** A resident's notices since `since` (the residents' history route). */
    listNoticesForContact: recipients.listNoticesForContact,
  };
}

export type Dispatch = ReturnType<typeof createDispatch>;
