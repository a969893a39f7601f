/**
 * Prometheus metrics of one process (prom-client, a registry per process — never the global one).
 * Counted as they happen: HTTP requests by route, provider answers and receipts (metered.provider.ts),
 * PIN requests and logins by outcome. Read from the database when scraped: the dispatch queue, the
 * register revisions, the PIN budgets; from the process: pools, event-loop delay (prom-client's default metrics).
 * Labels stay bounded: routes are patterns, tenants are slugs, error codes are protocol codes.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChannelMeter } from '../../channels/metered.provider.js';
import type { Db } from '../../db/connection.js';
import type { Clock } from '../../lib/clock.js';
import type { PinBudgetStatus } from '../auth/pin.service.js';
import type { OpsRepository, QueuedDeliveries } from './ops.repository.js';

export interface ScrapeSources {
  ops: OpsRepository;
  db: Pick<Db, 'pools' | 'faults'>;
  clock: Clock;
  /** The revision each tenant's register index in this process holds. */
  registerRevisions: () => ReadonlyMap<string, number>;
  /** Each tenant's PIN budgets (and the global ones), from the counters the PIN issue itself counts. */
  pinBudgets: () => Promise<Array<{ slug: string; status: PinBudgetStatus }>>;
}

const READINESS_CACHE_MS = 30_000;

/** A provider's error as a bounded label: an SMPP status (name, or `status-N`), an errno name or a 4xx/5xx reply code. */
export function errorCode(error: string | undefined): string {
  const status = /\bstatus (\d{1,5})\b/.exec(error ?? '');
  if (status) return `status-${status[1]}`;
  return /\b(ESME_\w+|E[A-Z]{3,}|[45]\d\d)\b/.exec(error ?? '')?.[1] ?? 'other';
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'aviso_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const messages = counter(
    'aviso_messages_total',
    'Messages handed to a provider, by its answer (sent: accepted, receipt to follow; delivered; failed). PINs included.',
    ['channel', 'provider', 'outcome'],
  );
  const providerErrors = counter(
    'aviso_provider_errors_total',
    'Failed sends by provider and error code (SMPP status, errno, SMTP reply code; other)',
    ['channel', 'provider', 'code', 'retryable'],
  );
  const receipts = counter('aviso_receipts_total', 'Delivery receipts by final status', [
    'channel',
    'provider',
    'status',
  ]);
  const receiptLatency = new Histogram({
    name: 'aviso_receipt_latency_seconds',
    help: 'From the provider accepting a message to its delivery receipt',
    labelNames: ['channel', 'provider'],
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
    registers: [registry],
  });
  const pinRequests = counter(
    'aviso_pin_requests_total',
    'PIN requests by outcome: sent, or the refusal code (rate-limited, captcha, validation …)',
    ['outcome'],
  );
  const pinLogins = counter('aviso_pin_logins_total', 'Logins with a PIN by outcome: ok, or the refusal code', [
    'outcome',
  ]);

  const meter: ChannelMeter = {
    sent(channel, provider, result) {
      messages.inc({ channel, provider, outcome: result.status });
      if (result.status === 'failed')
        providerErrors.inc({
          channel,
          provider,
          code: errorCode(result.error),
          retryable: String(Boolean(result.retryable)),
        });
    },
    receipt(channel, provider, receipt, latencyMs) {
      receipts.inc({ channel, provider, status: receipt.status });
      if (latencyMs !== undefined) receiptLatency.observe({ channel, provider }, latencyMs / 1000);
    },
  };

  return {
    registry,
    meter,
    observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
      httpDuration.observe({ method, route, status: `${Math.floor(statusCode / 100)}xx` }, seconds);
    },
    countPinRequest: (outcome: string) => pinRequests.inc({ outcome }),
    countPinLogin: (outcome: string) => pinLogins.inc({ outcome }),
    /** Gauges read when scraped; call once, when their sources exist. */
    observeAtScrape(sources: ScrapeSources): void {
      addScrapeGauges(registry, sources);
    },
    /**
     * The readiness checks as a gauge (1 passing, 0 failing) for alerting. Checked at most every
     * READINESS_CACHE_MS, whatever the scrape interval: a channel check logs in to a server.
     */
    observeReadiness(check: () => Promise<{ checks: Array<{ name: string; ok: boolean }> }>, clock: Clock): void {
      let last: { at: number; checks: Promise<Array<{ name: string; ok: boolean }>> } | undefined;
      new Gauge({
        name: 'aviso_readiness_check',
        help: 'Readiness checks as /readyz runs them: 1 passing, 0 failing',
        labelNames: ['check'],
        registers: [registry],
        async collect() {
          const now = clock.now();
          if (!last || now - last.at >= READINESS_CACHE_MS) last = { at: now, checks: check().then((r) => r.checks) };
          this.reset();
          for (const c of await last.checks) this.set({ check: c.name }, c.ok ? 1 : 0);
        },
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** `read`, called again only once its last call has settled: callers meanwhile share that call's answer. */
function sharedWhilePending<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= read().finally(() => (pending = undefined)));
}

function addScrapeGauges(registry: Registry, sources: ScrapeSources): void {
  const { ops, clock } = sources;
  const seconds = (since: number | null) => (since === null ? 0 : Math.max(0, (clock.now() - since) / 1000));
  // The registry collects every metric at once: two gauges of one query share its answer.
  const queuedRows = sharedWhilePending(() => ops.queuedDeliveries());
  const pendingBatches = sharedWhilePending(() => ops.pendingBatches());
  const byTenantAndChannel = (name: string, help: string, value: (row: QueuedDeliveries) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['tenant', 'channel'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of await queuedRows()) this.set({ tenant: row.tenant, channel: row.channel }, value(row));
      },
    });
  byTenantAndChannel(
    'aviso_dispatch_queued_deliveries',
    'Deliveries waiting to be sent, of messages being sent',
    (row) => row.depth,
  );
  byTenantAndChannel(
    'aviso_dispatch_oldest_queued_seconds',
    'How long the oldest message with deliveries still queued has been sending',
    (row) => seconds(row.oldestStartedAt),
  );
  new Gauge({
    name: 'aviso_dispatch_pending_batches',
    help: 'Batch jobs not done yet',
    registers: [registry],
    async collect() {
      this.set((await pendingBatches()).count);
    },
  });
  new Gauge({
    name: 'aviso_dispatch_oldest_pending_batch_seconds',
    help: 'Since the oldest pending batch job last changed (grows while a queue is stuck)',
    registers: [registry],
    async collect() {
      this.set(seconds((await pendingBatches()).oldestUpdatedAt));
    },
  });
  new Gauge({
    name: 'aviso_register_revision_lag',
    help: "Register revisions the tenant's index in this process is behind (absent: not built in this process)",
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      this.reset();
      const built = sources.registerRevisions();
      for (const tenant of await ops.registerRevisions()) {
        const at = built.get(tenant.id);
        if (at !== undefined) this.set({ tenant: tenant.slug }, Math.max(0, tenant.revision - at));
      }
    },
  });
  addPinBudgetGauges(registry, sharedWhilePending(sources.pinBudgets));
  const poolGauge = (name: string, help: string, pick: (p: ReturnType<Db['pools']>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        for (const pool of sources.db.pools()) this.set({ pool: pool.name }, pick(pool));
      },
    });
  new Counter({
    name: 'aviso_background_faults_total',
    help: 'Errors beside any request or job (a database connection lost while idle, the job queue), logged and counted',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(sources.db.faults.counts)) this.inc({ kind }, count);
    },
  });
  poolGauge('aviso_db_pool_connections_max', 'PostgreSQL pool size', (p) => p.max);
  poolGauge('aviso_db_pool_connections_open', 'PostgreSQL connections open', (p) => p.open);
  poolGauge('aviso_db_pool_connections_idle', 'PostgreSQL connections open and idle', (p) => p.idle);
  poolGauge('aviso_db_pool_waiting', 'Queries waiting for a PostgreSQL connection', (p) => p.waiting);
}

/**
 * The PIN budgets, read from the database when scraped (so every process shows the same counts): used
 * and limit per window, for each tenant (`scope="tenant"`) and across all of them (`scope="global"`), and
 * whether a tenant's voice PINs have stopped.
 */
function addPinBudgetGauges(registry: Registry, budgets: ScrapeSources['pinBudgets']): void {
  const windows = ['hour', 'day'] as const;
  const budgetGauge = (name: string, help: string, pick: (w: { count: number; limit: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['scope', 'tenant', 'window'],
      registers: [registry],
      async collect() {
        this.reset();
        const all = await budgets();
        for (const { slug, status } of all)
          for (const window of windows)
            this.set({ scope: 'tenant', tenant: slug, window }, pick(status.tenant[window]));
        const global = all[0]?.status.global;
        if (global) for (const window of windows) this.set({ scope: 'global', window }, pick(global[window]));
      },
    });
  budgetGauge('aviso_pin_budget_used', 'PINs sent by SMS or voice in the current window of a budget', (w) => w.count);
  budgetGauge(
    'aviso_pin_budget_limit',
    'The PIN budget of the window (tenant setting or AVISO_PIN_BUDGET)',
    (w) => w.limit,
  );
  new Gauge({
    name: 'aviso_pin_voice_paused',
    help: "1 while the tenant's voice PINs have stopped (a budget reached voicePinBudgetPercent), else 0",
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { slug, status } of await budgets()) this.set({ tenant: slug }, status.voicePaused ? 1 : 0);
    },
  });
}
