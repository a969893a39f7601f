/**
 * Import runs: an import (from the CLI or an operator's upload) recorded in register_imports with its
 * counts and report, so that it can be followed while it runs and its report read afterwards. The import
 * itself is register.import.ts. An upload is a job of the queue: its file is stored in the database with
 * its run, and whichever process takes the job imports it; a run whose process died is marked failed when
 * its job comes back (the import's one transaction rolled back: nothing of it was applied) and can be
 * retried. Progress: on PostgreSQL written to the run's row about once a second, from another connection;
 * on SQLite the import's transaction holds the one connection, so only this process's memory has it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { Db } from '../../db/connection.js';
import { AppError, ConflictError, NotFoundError } from '../../errors.js';
import type { JobQueue, RegisterImportJob } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { importRegister, type RegisterImportOptions } from './register.import.js';
import { openRegisterFile } from './register.read.js';
import {
  REPORT_HEADER,
  reportLine,
  type RegisterImportCounts,
  type RegisterImportReport,
  type ReportEntry,
} from './register.report.js';
import { registerRunRepository, type RegisterRunRepository, type RegisterRunRow } from './register-run.repository.js';

export interface RegisterServiceDeps {
  db: Db;
  secret: string;
  clock: Clock;
  runs: RegisterRunRepository;
  /** The queue upload imports run in. */
  queue: JobQueue;
  findTenant(id: string): Promise<Tenant | undefined>;
}

export type RunOptions = Pick<
  RegisterImportOptions,
  'encoding' | 'delimiter' | 'columns' | 'dryRun' | 'allowMassRemoval'
> & {
  actor: NonNullable<RegisterImportOptions['actor']>;
  fileName: string | null;
  fileBytes: number | null;
};

export interface RunHooks {
  onProgress?: (rows: number) => void;
  onReport?: (entry: ReportEntry) => void;
}

export interface RunView {
  id: string;
  status: RegisterRunRow['status'];
  dryRun: boolean;
  fileName: string | null;
  fileBytes: number | null;
  createdAt: number;
  finishedAt: number | null;
  /** While running: rows and bytes read so far (in this process, or as last written to the run). */
  progress: { rows: number; bytesRead: number } | null;
  counts: (RegisterImportCounts & { massRemoval: boolean }) | null;
  error: string | null;
  /** The first lines of the report (the whole of it: the report endpoint). */
  report: ReportEntry[];
}

/** Report lines kept with a run; a register with more rejected rows than this has a bigger problem. */
const MAX_REPORT_LINES = 100_000;
const REPORT_PREVIEW = 100;

/** How often a running import writes its progress to its row (PostgreSQL). */
const PROGRESS_EVERY_MS = 1000;
const LOST = 'the process running the import stopped before it finished; nothing of it was applied (retry it)';

/** A failure's message for the run record: our own errors are written for people; anything else is not shown. */
const failureMessage = (error: unknown): string =>
  error instanceof AppError ? error.message : 'the import failed (see the server log)';

function toView(row: RegisterRunRow, progress: { rows: number; bytesRead: number } | undefined): RunView {
  const lines = row.report
    ? (parseCsvSync(row.report, { columns: true, to_line: REPORT_PREVIEW + 1 }) as Array<Record<string, string>>)
    : [];
  return {
    id: row.id,
    status: row.status,
    dryRun: row.dry_run === 1,
    fileName: row.file_name,
    fileBytes: row.file_bytes === null ? null : Number(row.file_bytes),
    createdAt: Number(row.created_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    progress:
      progress ??
      (row.status === 'running' && row.progress_rows !== null
        ? { rows: Number(row.progress_rows), bytesRead: Number(row.progress_bytes ?? 0) }
        : null),
    counts: row.counts ? JSON.parse(row.counts) : null,
    error: row.error,
    report: lines.map((l) => ({
      line: Number(l.line),
      outcome: l.outcome as ReportEntry['outcome'],
      reason: l.reason ?? '',
      candidate: l.candidate || null,
    })),
  };
}

export function registerService(deps: RegisterServiceDeps) {
  const live = new Map<string, { rows: number; bytesRead: number }>();

  /**
   * One upload import job. A run still `running` when its job comes back was left by a process that died
   * (a job is its worker's until its lease ends): it is marked failed. A queued one is taken and imported
   * from a copy of its stored file; its file goes once an import of it is done (or the file is refused).
   */
  async function runJob(job: RegisterImportJob, onUnexpectedError: (error: unknown) => void): Promise<void> {
    const tenant = await deps.findTenant(job.tenantId);
    const row = tenant && (await deps.runs.find(tenant.id, job.runId));
    if (!tenant || !row) return;
    const now = deps.clock.now();
    if (row.status === 'running')
      return deps.runs.failLost(tenant.id, row.id, {
        status: 'failed',
        counts: null,
        report: null,
        error: LOST,
        finished_at: now,
      });
    if (row.status !== 'queued' || !(await deps.runs.claim(tenant.id, row.id, now))) return;
    const options: RunOptions = {
      ...(JSON.parse(row.options) as Omit<RunOptions, 'actor' | 'fileName' | 'fileBytes'>),
      actor: { type: row.actor_type, id: row.actor_id } as RunOptions['actor'],
      fileName: row.file_name,
      fileBytes: row.file_bytes === null ? null : Number(row.file_bytes),
    };
    // A local copy: on SQLite the import's transaction holds the one connection its file would be read on.
    const dir = await mkdtemp(join(tmpdir(), 'aviso-register-'));
    try {
      const path = join(dir, 'register.csv');
      await pipeline(Readable.from(deps.runs.readFile(tenant.id, row.id)), createWriteStream(path, { mode: 0o600 }));
      await execute(tenant, { id: row.id, now }, createReadStream(path), options, {});
      await deps.runs.deleteFile(tenant.id, row.id);
    } catch (error) {
      // The run records the failure. A refused file cannot do better on a retry; anything else is logged.
      if (error instanceof AppError) await deps.runs.deleteFile(tenant.id, row.id);
      else onUnexpectedError(error);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The run's row, as it starts (the CLI: running) or is queued (an upload, with its file). */
  function newRun(options: RunOptions): {
    id: string;
    now: number;
    row: Parameters<RegisterRunRepository['insert']>[1];
  } {
    const id = newId();
    const now = deps.clock.now();
    const { fileName, fileBytes, actor, ...importOptions } = options;
    const row = {
      id,
      dry_run: options.dryRun ? (1 as const) : (0 as const),
      file_name: fileName,
      file_bytes: fileBytes,
      options: JSON.stringify(importOptions),
      actor_type: actor.type,
      actor_id: actor.id,
      created_at: now,
    };
    return { id, now, row };
  }

  /** Records the run as running; its progress is then followed in memory. */
  async function begin(tenant: Tenant, options: RunOptions): Promise<{ id: string; now: number }> {
    const { id, now, row } = newRun(options);
    await deps.runs.insert(tenant.id, row);
    return { id, now };
  }

  /** Progress where others can read it: the row, at most once a second, on an engine with concurrent writers. */
  function progressWriter(tenant: Tenant, id: string): (rows: number, bytes: number) => void {
    if (!deps.db.engine.concurrentWriters) return () => {};
    let last = 0;
    return (rows, bytes) => {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      void deps.runs.progress(tenant.id, id, rows, bytes).catch(() => {});
    };
  }

  async function execute(
    tenant: Tenant,
    run: { id: string; now: number },
    input: Readable,
    options: RunOptions,
    hooks: RunHooks,
  ): Promise<RegisterImportReport> {
    const { id, now } = run;
    const { fileName: _name, fileBytes: _bytes, ...importOptions } = options;
    const progress = { rows: 0, bytesRead: 0 };
    live.set(id, progress);
    const share = progressWriter(tenant, id);
    let report = REPORT_HEADER;
    let lines = 0;
    try {
      const result = await importRegister({ db: deps.db, secret: deps.secret }, tenant, input, {
        ...importOptions,
        now,
        importId: id,
        onProgress: (rows) => {
          Object.assign(progress, { rows, bytesRead: (input as Readable & { bytesRead?: number }).bytesRead ?? 0 });
          share(progress.rows, progress.bytesRead);
          hooks.onProgress?.(rows);
        },
        onReport: (entry) => {
          if (lines++ < MAX_REPORT_LINES) report += reportLine(entry);
          hooks.onReport?.(entry);
        },
      });
      const { entries: _entries, dryRun: _dryRun, ...counts } = result;
      await deps.runs.finish(tenant.id, id, {
        status: 'done',
        counts: JSON.stringify(counts),
        report,
        error: null,
        finished_at: deps.clock.now(),
      });
      return result;
    } catch (error) {
      await deps.runs.finish(tenant.id, id, {
        status: 'failed',
        counts: null,
        report,
        error: failureMessage(error),
        finished_at: deps.clock.now(),
      });
      throw error;
    } finally {
      live.delete(id);
    }
  }

  return {
    /** Imports to the end and records the run (the CLI); a dry run records nothing at all. */
    async importStream(
      tenant: Tenant,
      input: Readable,
      options: RunOptions,
      hooks: RunHooks = {},
    ): Promise<RegisterImportReport> {
      if (!options.dryRun) return execute(tenant, await begin(tenant, options), input, options, hooks);
      const { fileName: _name, fileBytes: _bytes, ...importOptions } = options;
      return importRegister({ db: deps.db, secret: deps.secret }, tenant, input, {
        ...importOptions,
        now: deps.clock.now(),
        ...hooks,
      });
    },

    /**
     * Checks the uploaded file's header (a wrong file is refused at once, naming what is missing), stores
     * the file with its queued run and queues its import; returns the run's id. The caller may delete its
     * copy of the file as soon as this returns. `runQueued` then takes the job in this process at once
     * (any process running import workers may take it instead).
     */
    async startUpload(tenant: Tenant, path: string, options: RunOptions): Promise<{ id: string }> {
      const header = createReadStream(path);
      try {
        await openRegisterFile(header, options);
      } finally {
        header.destroy();
      }
      const { id, row } = newRun(options);
      await deps.db.kysely.transaction().execute(async (trx) => {
        const runs = registerRunRepository(trx);
        await runs.insert(tenant.id, row, 'queued');
        await runs.storeFile(tenant.id, id, createReadStream(path));
      });
      await deps.queue.enqueue('register-import', [{ payload: { tenantId: tenant.id, runId: id } }]);
      return { id };
    },

    /** Runs the queued imports due now in this process, one after the other. */
    runQueued(onUnexpectedError: (error: unknown) => void): Promise<number> {
      return deps.queue.drain('register-import', (job) => runJob(job, onUnexpectedError));
    },

    /** Takes upload imports from the queue in the background until the queue stops. */
    startWorkers(onUnexpectedError: (error: unknown) => void): Promise<void> {
      return deps.queue.work('register-import', (job) => runJob(job, onUnexpectedError), { concurrency: 1 });
    },

    stop(): Promise<void> {
      return deps.queue.stop();
    },

    /** Queues a failed upload import again (its file is kept until an import of it is done). */
    async retry(tenant: Tenant, id: string): Promise<void> {
      const row = await deps.runs.find(tenant.id, id);
      if (!row) throw new NotFoundError('register import');
      if (row.status !== 'failed' || !(await deps.runs.hasFile(tenant.id, id)))
        throw new ConflictError('import-retry-failed', {}, 'id');
      if (!(await deps.runs.requeue(tenant.id, id))) throw new ConflictError('import-not-failed', {}, 'id');
      await deps.queue.enqueue('register-import', [{ payload: { tenantId: tenant.id, runId: id } }]);
    },

    async findRun(tenant: Tenant, id: string): Promise<RunView> {
      const row = await deps.runs.find(tenant.id, id);
      if (!row) throw new NotFoundError('register import');
      return toView(row, live.get(id));
    },

    /** The whole report of a run as CSV (line,outcome,reason,candidate). */
    async reportCsv(tenant: Tenant, id: string): Promise<string> {
      const row = await deps.runs.find(tenant.id, id);
      if (!row) throw new NotFoundError('register import');
      return row.report ?? REPORT_HEADER;
    },
  };
}

export type RegisterService = ReturnType<typeof registerService>;
