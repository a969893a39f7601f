/**
 * Messages of an incident: write (texts per language, kind), send now or at a set time — planned-work
 * notices held until quiet hours end, sudden ones never — optionally approved by a second operator first;
 * follow them (counts per delivery status), cancel, retry the failed ones, export the deliveries.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { csvCell } from '../../lib/csv-write.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { IncidentService } from '../incidents/incident.service.js';
import type { Actor } from '../../kernel/actor.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { DispatchStarter } from './dispatch.starter.js';
import { afterQuietHours, DEFAULT_TIME_ZONE } from '../../lib/local-time.js';
import { emailSubjects, renderTexts, type MessageKind, type Texts } from '../incidents/notice-text.js';
import type { DeliveryCounts, DeliveryRepository } from './delivery.repository.js';
import type { MessageRepository, MessageRow } from './message.repository.js';

/** How long a message may wait to go out before its remaining deliveries expire. */
export const MESSAGE_VALIDITY_MS = 24 * 3_600_000;
const PAST_TOLERANCE_MS = 60_000;

export interface NewMessageInput {
  texts?: Texts | undefined;
  kind?: MessageKind | undefined;
  /** ISO time or epoch ms; absent = now. */
  sendAt?: string | number | undefined;
}

export interface MessageView extends DeliveryCounts {
  id: string;
  incidentId: string;
  kind: MessageKind;
  status: MessageRow['status'];
  texts: Texts;
  rendered: Record<string, string>;
  warnings: string[];
  sendAt: string;
  /** The time asked for, when quiet hours moved it to `sendAt`. */
  requestedAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  approvedBy: string | null;
  total: number;
  /** Calls the person called confirmed by pressing 1 (counted among delivered, or still sent while the call goes on). */
  acknowledged: number;
  /** Deliveries by the provider that took them, with their statuses. */
  providers: Array<{ provider: string } & Partial<DeliveryCounts>>;
  /** Why deliveries moved on to a later provider of a failover chain, and how many. */
  failovers: Array<{ reason: string; count: number }>;
  /** How the send ended once every delivery was tried: all went out, some failed, all failed; null before. */
  outcome: MessageOutcome | null;
  /** Why deliveries failed or expired, and how many (the most frequent reasons first). */
  failures: Array<{ reason: string; count: number }>;
}

export type MessageOutcome = 'sent' | 'partly-failed' | 'failed';

/** A finished send's outcome from its counts: failed and expired deliveries against all of them. */
function messageOutcome(status: MessageRow['status'], counts: DeliveryCounts, total: number): MessageOutcome | null {
  if (status !== 'sent') return null;
  const failed = counts.failed + counts.expired;
  if (failed === 0) return 'sent';
  return failed === total ? 'failed' : 'partly-failed';
}

export interface MessageServiceDeps {
  messages: MessageRepository;
  deliveries: DeliveryRepository;
  incidents: IncidentService;
  starter: DispatchStarter;
  queue: JobQueue;
  audit: AuditRepository;
  clock: Clock;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function parseSendAt(value: string | number | undefined, now: number): number {
  if (value === undefined) return now;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ValidationError('sendAt', 'time-format');
  if (ms < now - PAST_TOLERANCE_MS) throw new ValidationError('sendAt', 'send-time-passed');
  return Math.max(ms, now);
}

export interface ProviderCounts {
  providers: Array<{ provider: string; status: keyof DeliveryCounts; n: number }>;
  failovers: Array<{ reason: string; n: number }>;
}

export function toMessageView(
  row: MessageRow,
  counts: DeliveryCounts,
  byProvider: ProviderCounts = { providers: [], failovers: [] },
  failures: ReadonlyArray<{ reason: string; n: number }> = [],
  acknowledged = 0,
): MessageView {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const providers = new Map<string, { provider: string } & Partial<DeliveryCounts>>();
  for (const p of byProvider.providers) {
    const entry = providers.get(p.provider) ?? { provider: p.provider };
    entry[p.status] = p.n;
    providers.set(p.provider, entry);
  }
  return {
    id: row.id,
    incidentId: row.incident_id,
    kind: row.kind,
    status: row.status,
    texts: JSON.parse(row.texts) as Texts,
    rendered: JSON.parse(row.rendered) as Record<string, string>,
    warnings: row.warnings ? (JSON.parse(row.warnings) as string[]) : [],
    sendAt: iso(row.send_at)!,
    requestedAt: iso(row.held_until),
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    approvedBy: row.approved_by,
    ...counts,
    total,
    acknowledged,
    providers: [...providers.values()],
    failovers: byProvider.failovers.map((f) => ({ reason: f.reason, count: f.n })),
    outcome: messageOutcome(row.status, counts, total),
    failures: failures.map((f) => ({ reason: f.reason, count: f.n })),
  };
}

export function messageService(deps: MessageServiceDeps) {
  const { messages, deliveries, clock } = deps;

  async function requireMessage(tenant: Tenant, id: string): Promise<MessageRow> {
    const row = await messages.find(tenant.id, id);
    if (!row) throw new NotFoundError(`message ${id}`);
    return row;
  }

  const view = async (tenant: Tenant, row: MessageRow) => {
    const { counts, acknowledged } = await deliveries.countsAndAcknowledged(tenant.id, row.id);
    // The reasons belong to the outcome: read once the send has ended and something failed, not on every
    // tick of a send being watched.
    const ended = row.status === 'sent' && counts.failed + counts.expired > 0;
    const failures = ended ? await deliveries.failureReasons(tenant.id, row.id) : [];
    return toMessageView(row, counts, await deliveries.providerCounts(tenant.id, row.id), failures, acknowledged);
  };

  /** Starts it at once when it is due (the sweep of a worker would do the same a moment later). */
  async function startIfDue(tenant: Tenant, row: MessageRow): Promise<void> {
    if (row.status === 'scheduled' && row.send_at <= clock.now()) await deps.starter.startMessage(tenant.id, row.id);
  }

  return {
    requireMessage,
    view,

    async createMessage(
      tenant: Tenant,
      incidentId: string,
      input: NewMessageInput,
      actor: Actor,
    ): Promise<MessageView> {
      const incident = await deps.incidents.getIncident(tenant, incidentId);
      const kind = input.kind ?? 'alert';
      if (incident.status === 'cancelled') throw new ConflictError('incident-cancelled');
      if (kind !== 'alert' && incident.frozenAt === null) throw new ValidationError('kind', 'alert-first', { kind });
      const rendered = renderTexts(input.texts ?? {}, kind, {
        languages: tenant.languages,
        context: {
          service: incident.service,
          startsAt: incident.startsAt,
          endsAt: incident.endsAt,
          tenantName: tenant.name,
        },
        footer: tenant.settings.smsFooter,
        allowLinks: tenant.settings.allowLinksInSms,
      });
      const now = clock.now();
      const requested = parseSendAt(input.sendAt, now);
      const quiet = tenant.settings.quietHours
        ? { ...tenant.settings.quietHours, timeZone: tenant.settings.quietHours.timeZone || DEFAULT_TIME_ZONE }
        : null;
      const sendAt = incident.kind === 'planned' ? afterQuietHours(requested, quiet) : requested;
      const row: Omit<MessageRow, 'tenant_id'> = {
        id: newId(),
        incident_id: incident.id,
        kind,
        texts: JSON.stringify(input.texts ?? {}),
        rendered: JSON.stringify(rendered.texts),
        subject: emailSubjects(tenant, incident),
        warnings: rendered.warnings.length ? JSON.stringify(rendered.warnings) : null,
        status: tenant.settings.requireApproval ? 'awaiting-approval' : 'scheduled',
        send_at: sendAt,
        held_until: sendAt !== requested ? requested : null,
        expires_at: sendAt + MESSAGE_VALIDITY_MS,
        lease_until: null,
        actor_type: actor.type,
        created_by: actor.id,
        approved_by: null,
        recipient_count: null,
        batch_count: null,
        created_at: now,
        started_at: null,
        finished_at: null,
        receipts_closed_at: null,
      };
      await messages.insert(tenant.id, row);
      await deps.audit.record(tenant.id, now, {
        actorType: actor.type,
        actorId: actor.id,
        action: 'message.create',
        subjectType: 'message',
        subjectId: row.id,
        detail: {
          incidentId: incident.id,
          kind,
          languages: Object.keys(input.texts ?? {}),
          sendAt,
          held: row.held_until !== null,
          approval: row.status === 'awaiting-approval',
        },
      });
      await startIfDue(tenant, { ...row, tenant_id: tenant.id });
      return view(tenant, await requireMessage(tenant, row.id));
    },

    async approveMessage(tenant: Tenant, id: string, actor: Actor): Promise<MessageView> {
      const row = await requireMessage(tenant, id);
      if (row.status !== 'awaiting-approval') throw new ConflictError('message-not-awaiting', { status: row.status });
      if (actor.type !== 'operator' || actor.id === row.created_by) throw new ForbiddenError('approver-other');
      if (
        !(await messages.update(tenant.id, id, { status: 'scheduled', approved_by: actor.id }, ['awaiting-approval']))
      )
        throw new ConflictError('approved-already');
      await deps.audit.record(tenant.id, clock.now(), {
        actorType: actor.type,
        actorId: actor.id,
        action: 'message.approve',
        subjectType: 'message',
        subjectId: id,
      });
      await startIfDue(tenant, { ...row, status: 'scheduled' });
      return view(tenant, await requireMessage(tenant, id));
    },

    /** Stops a message: before it starts nothing goes; while sending, what is still queued expires. */
    async cancelMessage(tenant: Tenant, id: string, actor: Actor): Promise<MessageView> {
      const row = await requireMessage(tenant, id);
      if (
        !(await messages.update(tenant.id, id, { status: 'cancelled', finished_at: clock.now() }, [
          'awaiting-approval',
          'scheduled',
          'starting',
          'sending',
        ]))
      ) {
        throw new ConflictError('message-status', { status: row.status });
      }
      await deps.audit.record(tenant.id, clock.now(), {
        actorType: actor.type,
        actorId: actor.id,
        action: 'message.cancel',
        subjectType: 'message',
        subjectId: id,
      });
      return view(tenant, await requireMessage(tenant, id));
    },

    async retryFailed(tenant: Tenant, id: string, actor: Actor): Promise<MessageView> {
      const row = await requireMessage(tenant, id);
      if (row.status === 'cancelled') throw new ConflictError('message-status', { status: 'cancelled' });
      const batches = await deliveries.requeueFailed(tenant.id, id, clock.now());
      await deps.queue.enqueue(
        'dispatch-batch',
        batches.map((b) => ({
          payload: { tenantId: tenant.id, messageId: id, batchNo: b.batch_no },
          priority: b.priority ? 10 : 0,
        })),
      );
      await deps.audit.record(tenant.id, clock.now(), {
        actorType: actor.type,
        actorId: actor.id,
        action: 'message.retry',
        subjectType: 'message',
        subjectId: id,
        detail: { batches: batches.length },
      });
      return view(tenant, await requireMessage(tenant, id));
    },

    async getMessage(tenant: Tenant, id: string): Promise<MessageView> {
      return view(tenant, await requireMessage(tenant, id));
    },

    async listMessages(tenant: Tenant, incidentId: string): Promise<MessageView[]> {
      await deps.incidents.getIncident(tenant, incidentId);
      const rows = await messages.listForIncident(tenant.id, incidentId);
      return Promise.all(rows.map((row) => view(tenant, row)));
    },

    /** Every delivery with its number or email (personal data: the read is audited). */
    async exportDeliveries(tenant: Tenant, id: string, actor: Actor): Promise<string> {
      const row = await requireMessage(tenant, id);
      const rows = await deliveries.listDeliveries(tenant.id, id, row.incident_id);
      await deps.audit.record(tenant.id, clock.now(), {
        actorType: actor.type,
        actorId: actor.id,
        action: 'message.export',
        subjectType: 'message',
        subjectId: id,
        detail: { rows: rows.length },
      });
      const lines = ['seq,channel,endpoint,language,address,status,error,attempts,sent_at,updated_at'];
      for (const d of rows) {
        lines.push(
          [
            d.seq,
            d.channel,
            d.endpoint,
            d.language,
            d.address_label,
            d.status,
            d.error,
            d.attempts,
            iso(d.sent_at),
            iso(d.updated_at),
          ]
            .map(csvCell)
            .join(','),
        );
      }
      return lines.join('\n') + '\n';
    },
  };
}

export type MessageService = ReturnType<typeof messageService>;
