/**
 * Retention: what the law lets a tenant keep, for as long as its settings say. Once a day (and on
 * `aviso retention`), per tenant: the deliveries and frozen recipient sets (numbers, emails) of messages
 * older than `retentionMonths` are reduced to counts — an audit entry per message keeps them — the dev
 * inbox forgets after `inboxRetentionDays`, the audit log after `auditRetentionYears`, residents' SMS replies
 * after `repliesRetentionMonths` from when they came (or with their incident's recipient set, if sooner). Expired PINs and
 * sessions and old rate-limit windows go for every tenant. Everything in short batches.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { DEFAULT_SETTINGS } from '../tenants/tenant.types.js';
import type { RetentionRepository } from './retention.repository.js';

export interface RetentionDeps {
  repo: RetentionRepository;
  listTenants: () => Promise<Tenant[]>;
  audit: Pick<AuditRepository, 'record'>;
  clock: Clock;
}

export interface RetentionReport {
  messagesReduced: number;
  deliveries: number;
  recipients: number;
  replies: number;
  inbox: number;
  audit: number;
  pins: number;
  sessions: number;
  rateCounters: number;
}

const DAY_MS = 86_400_000;
/** Messages reduced per query of the job (each is then deleted in batches of its own). */
const MESSAGES_PER_ROUND = 50;

/** `months` calendar months before `now` (UTC). */
export function monthsBefore(now: number, months: number): number {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.getTime();
}

export function retentionService(deps: RetentionDeps) {
  const { repo, clock } = deps;

  async function reduceDeliveries(tenant: Tenant, before: number, now: number, report: RetentionReport): Promise<void> {
    for (;;) {
      const messages = await repo.messagesToReduce(tenant.id, before, MESSAGES_PER_ROUND);
      if (messages.length === 0) return;
      for (const message of messages) {
        // The counts first: a job stopped between the two writes leaves the deliveries, never lost counts.
        const counts = await repo.deliveryCounts(tenant.id, message.id);
        await deps.audit.record(tenant.id, now, {
          actorType: 'system',
          action: 'message.retention',
          subjectType: 'message',
          subjectId: message.id,
          detail: { incidentId: message.incidentId, counts, retentionMonths: tenant.settings.retentionMonths },
        });
        report.deliveries += await repo.deleteDeliveries(tenant.id, message);
        report.messagesReduced++;
      }
    }
  }

  async function runForTenant(tenant: Tenant, now: number, report: RetentionReport): Promise<void> {
    const deliveriesBefore = monthsBefore(now, tenant.settings.retentionMonths);
    await reduceDeliveries(tenant, deliveriesBefore, now, report);
    let deleted: number;
    do {
      deleted = await repo.deleteRecipients(tenant.id, deliveriesBefore);
      report.recipients += deleted;
    } while (deleted > 0);
    report.replies += await repo.deleteReplies(tenant.id, monthsBefore(now, tenant.settings.repliesRetentionMonths));
    report.inbox += await repo.deleteInbox(tenant.id, now - tenant.settings.inboxRetentionDays * DAY_MS);
    report.audit += await repo.deleteAudit(tenant.id, monthsBefore(now, tenant.settings.auditRetentionYears * 12));
  }

  return {
    async runOnce(): Promise<RetentionReport> {
      const now = clock.now();
      const report: RetentionReport = {
        messagesReduced: 0,
        deliveries: 0,
        recipients: 0,
        replies: 0,
        inbox: 0,
        audit: 0,
        pins: 0,
        sessions: 0,
        rateCounters: 0,
      };
      for (const tenant of await deps.listTenants()) await runForTenant(tenant, now, report);
      // Inbox messages of no tenant (PINs of no tenant, tests) follow the default.
      report.inbox += await repo.deleteInbox(null, now - DEFAULT_SETTINGS.inboxRetentionDays * DAY_MS);
      Object.assign(report, await repo.deleteExpired(now));
      return report;
    },

    /** Runs the job a minute from now, then once a day, in this process; the returned function stops it. */
    startDaily(logger: Logger): () => void {
      const run = () =>
        void this.runOnce().then(
          (report) => logger.info({ retention: report }, 'retention job done'),
          (error: unknown) => logger.warn({ err: error }, 'retention job failed'),
        );
      const first = setTimeout(run, 60_000).unref();
      const daily = setInterval(run, DAY_MS).unref();
      return () => {
        clearTimeout(first);
        clearInterval(daily);
      };
    },
  };
}

export type RetentionService = ReturnType<typeof retentionService>;
