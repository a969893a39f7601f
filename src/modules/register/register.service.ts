/**
 * Import runs: an import (from the CLI or an operator's upload) recorded in register_imports with its
 * counts and report, so that it can be followed while it runs and its report read afterwards. The import
 * itself is register.import.ts. Progress of the runs of this process is kept in memory: on SQLite the
 * import's transaction holds the one connection, so progress must not need a query.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { Db } from '../../db/connection.js';
import { AppError, NotFoundError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { importRegister, type RegisterImportOptions } from './register.import.js';
import { openRegisterFile } from './register.read.js';
import { REPORT_HEADER, reportLine, type RegisterImportCounts, type RegisterImportReport, type ReportEntry } from './register.report.js';
import type { RegisterRunRepository, RegisterRunRow } from './register-run.repository.js';

export interface RegisterServiceDeps {
  db: Db;
  secret: string;
  clock: Clock;
  runs: RegisterRunRepository;
}

export type RunOptions = Pick<RegisterImportOptions, 'encoding' | 'delimiter' | 'columns' | 'dryRun' | 'allowMassRemoval'> & {
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
  /** While running in this process: rows and bytes read so far. */
  progress: { rows: number; bytesRead: number } | null;
  counts: (RegisterImportCounts & { massRemoval: boolean }) | null;
  error: string | null;
  /** The first lines of the report (the whole of it: the report endpoint). */
  report: ReportEntry[];
}

/** Report lines kept with a run; a register with more rejected rows than this has a bigger problem. */
const MAX_REPORT_LINES = 100_000;
const REPORT_PREVIEW = 100;

/** A failure's message for the run record: our own errors are written for people; anything else is not shown. */
const failureMessage = (error: unknown): string => (error instanceof AppError ? error.message : 'the import failed (see the server log)');

function toView(row: RegisterRunRow, progress: { rows: number; bytesRead: number } | undefined): RunView {
  const lines = row.report ? (parseCsvSync(row.report, { columns: true, to_line: REPORT_PREVIEW + 1 }) as Array<Record<string, string>>) : [];
  return {
    id: row.id,
    status: row.status,
    dryRun: row.dry_run === 1,
    fileName: row.file_name,
    fileBytes: row.file_bytes === null ? null : Number(row.file_bytes),
    createdAt: Number(row.created_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    progress: progress ?? null,
    counts: row.counts ? JSON.parse(row.counts) : null,
    error: row.error,
    report: lines.map((l) => ({ line: Number(l.line), outcome: l.outcome as ReportEntry['outcome'], reason: l.reason ?? '', candidate: l.candidate || null })),
  };
}

export function registerService(deps: RegisterServiceDeps) {
  const live = new Map<string, { rows: number; bytesRead: number }>();

  /** Records the run as running; its progress is then followed in memory. */
  async function begin(tenant: Tenant, options: RunOptions): Promise<{ id: string; now: number }> {
    const id = newId();
    const now = deps.clock.now();
    const { fileName, fileBytes, actor, ...importOptions } = options;
    await deps.runs.insert(tenant.id, {
      id,
      dry_run: options.dryRun ? 1 : 0,
      file_name: fileName,
      file_bytes: fileBytes,
      options: JSON.stringify(importOptions),
      actor_type: actor.type,
      actor_id: actor.id,
      created_at: now,
    });
    live.set(id, { rows: 0, bytesRead: 0 });
    return { id, now };
  }

  async function execute(tenant: Tenant, run: { id: string; now: number }, input: Readable, options: RunOptions, hooks: RunHooks): Promise<RegisterImportReport> {
    const { id, now } = run;
    const { fileName: _name, fileBytes: _bytes, ...importOptions } = options;
    const progress = live.get(id) ?? { rows: 0, bytesRead: 0 };
    let report = REPORT_HEADER;
    let lines = 0;
    try {
      const result = await importRegister({ db: deps.db, secret: deps.secret }, tenant, input, {
        ...importOptions,
        now,
        importId: id,
        onProgress: (rows) => {
          Object.assign(progress, { rows, bytesRead: (input as Readable & { bytesRead?: number }).bytesRead ?? 0 });
          hooks.onProgress?.(rows);
        },
        onReport: (entry) => {
          if (lines++ < MAX_REPORT_LINES) report += reportLine(entry);
          hooks.onReport?.(entry);
        },
      });
      const { entries: _entries, dryRun: _dryRun, ...counts } = result;
      await deps.runs.finish(tenant.id, id, { status: 'done', counts: JSON.stringify(counts), report, error: null, finished_at: deps.clock.now() });
      return result;
    } catch (error) {
      await deps.runs.finish(tenant.id, id, { status: 'failed', counts: null, report, error: failureMessage(error), finished_at: deps.clock.now() });
      throw error;
    } finally {
      live.delete(id);
    }
  }

  return {
    /** Imports to the end and records the run (the CLI); a dry run records nothing at all. */
    async importStream(tenant: Tenant, input: Readable, options: RunOptions, hooks: RunHooks = {}): Promise<RegisterImportReport> {
      if (!options.dryRun) return execute(tenant, await begin(tenant, options), input, options, hooks);
      const { fileName: _name, fileBytes: _bytes, ...importOptions } = options;
      return importRegister({ db: deps.db, secret: deps.secret }, tenant, input, { ...importOptions, now: deps.clock.now(), ...hooks });
    },

    /**
     * Checks the uploaded file's header (a wrong file is refused at once, naming what is missing), then
     * imports it in the background and returns the run's id. `done` settles when the import is over,
     * however it ended; the caller then deletes the file.
     */
    async startUpload(
      tenant: Tenant,
      path: string,
      options: RunOptions,
      onUnexpectedError: (error: unknown) => void,
    ): Promise<{ id: string; done: Promise<void> }> {
      const header = createReadStream(path);
      try {
        await openRegisterFile(header, options);
      } finally {
        header.destroy();
      }
      const run = await begin(tenant, options);
      const done = execute(tenant, run, createReadStream(path), options, {}).then(
        () => undefined,
        (error: unknown) => {
          // The run records the failure; one of ours (a bad file) needs no log entry.
          if (!(error instanceof AppError)) onUnexpectedError(error);
        },
      );
      return { id: run.id, done };
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
