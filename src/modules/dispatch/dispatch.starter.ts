/**
 * Starts a due message: takes it (exactly one process does), freezes the incident's recipient set if this
 * is its first message, writes one delivery per recipient and the batches in one transaction, queues one
 * job per batch (priority recipients' batches first) and only then marks the message sending. A process
 * that dies on the way leaves the message "starting"; when its lease ends the sweep starts it again and
 * every step finds what is already done.
 */
import type { Clock } from '../../lib/clock.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { IncidentRepository } from '../incidents/incident.repository.js';
import type { Incident } from '../incidents/incident.types.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { DeliveryRepository } from './delivery.repository.js';
import type { MessageRepository, MessageRow } from './message.repository.js';
import type { IncidentResolver } from '../recipients/preview.service.js';
import type { RecipientRepository } from '../recipients/recipient.repository.js';

export interface StarterDeps {
  messages: MessageRepository;
  deliveries: DeliveryRepository;
  recipients: RecipientRepository;
  incidents: IncidentRepository;
  resolve: IncidentResolver;
  queue: JobQueue;
  audit: AuditRepository;
  clock: Clock;
  findTenant(id: TenantId): Promise<Tenant | undefined>;
  leaseMs: number;
  batchSize: number;
}

const STATUS_AFTER: Partial<Record<MessageRow['kind'], Incident['status']>> = {
  'all-clear': 'resolved',
  cancel: 'cancelled',
};

export function dispatchStarter(deps: StarterDeps) {
  const { messages, deliveries, clock } = deps;

  /** Resolves and stores the recipient set of the incident's first send (again, if a crash cut it short). */
  async function freeze(tenant: Tenant, incident: Incident, now: number): Promise<Record<string, number>> {
    const resolution = await deps.resolve(tenant, incident, now);
    await deps.recipients.replaceRecipients(tenant.id, incident.id, resolution.recipients, resolution.labels);
    await deps.incidents.markFrozen(tenant.id, incident.id, now, resolution.recipients.length);
    return { addresses: resolution.addressIds.length, contacts: resolution.contacts, ...resolution.exclusions };
  }

  async function enqueueBatches(tenantId: TenantId, messageId: string): Promise<void> {
    const batches = await deliveries.pendingBatches(tenantId, messageId);
    await deps.queue.enqueue(
      'dispatch-batch',
      batches.map((b) => ({ payload: { tenantId, messageId, batchNo: b.batch_no }, priority: b.priority ? 10 : 0 })),
    );
  }

  return {
    /** Starts the message if it is due and nobody else is starting it; false when there was nothing to do. */
    async startMessage(tenantId: TenantId, messageId: string): Promise<boolean> {
      const now = clock.now();
      if (!(await messages.claimStart(tenantId, messageId, now, now + deps.leaseMs))) return false;
      const message = await messages.find(tenantId, messageId);
      const tenant = await deps.findTenant(tenantId);
      const incident = message && (await deps.incidents.find(tenantId, message.incident_id));
      if (!message || !tenant || !incident) return false;
      const excluded = incident.frozenAt === null ? await freeze(tenant, incident, now) : undefined;
      const created = (await deliveries.hasDeliveries(tenantId, messageId))
        ? undefined
        : await deliveries.createDeliveries(tenantId, messageId, incident.id, deps.batchSize, now);
      await enqueueBatches(tenantId, messageId);
      const counts = await deliveries.counts(tenantId, messageId);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      await messages.update(
        tenantId,
        messageId,
        {
          status: total === 0 ? 'sent' : 'sending',
          started_at: message.started_at ?? now,
          finished_at: total === 0 ? now : null,
          lease_until: null,
          recipient_count: total,
          ...(created ? { batch_count: created.batches } : {}),
        },
        ['starting'],
      );
      const after = STATUS_AFTER[message.kind];
      if (after) await deps.incidents.setStatus(tenantId, incident.id, after, now);
      else if (incident.status === 'draft') await deps.incidents.setStatus(tenantId, incident.id, 'active', now);
      await deps.audit.record(tenantId, now, {
        actorType: message.actor_type,
        actorId: message.created_by,
        action: 'message.send',
        subjectType: 'message',
        subjectId: messageId,
        detail: {
          incidentId: incident.id,
          kind: message.kind,
          recipients: total,
          ...(excluded ? { frozen: excluded } : {}),
        },
      });
      return true;
    },
  };
}

export type DispatchStarter = ReturnType<typeof dispatchStarter>;
