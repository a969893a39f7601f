/**
 * The SQL of import runs (register_imports): one row per import, its counts and its report; and the
 * uploaded file of a queued run, kept in chunks (register_import_files) until its import is done. Tenant id first.
 */
import type { Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import type { Database, RegisterImportsTable } from '../../db/schema.js';
import type { TenantId } from '../../kernel/tenant-id.js';

export type RegisterRunRow = Selectable<RegisterImportsTable>;
export type NewRegisterRun = Omit<
  RegisterRunRow,
  | 'tenant_id'
  | 'counts'
  | 'report'
  | 'error'
  | 'finished_at'
  | 'status'
  | 'started_at'
  | 'progress_rows'
  | 'progress_bytes'
>;
type Outcome = Pick<RegisterRunRow, 'status' | 'counts' | 'report' | 'error' | 'finished_at'>;

/** Bytes of an uploaded file per stored chunk. */
const CHUNK_BYTES = 1024 * 1024;

export function registerRunRepository(db: Kysely<Database>) {
  return {
    async insert(tenantId: TenantId, run: NewRegisterRun, status: 'queued' | 'running' = 'running'): Promise<void> {
      await db
        .insertInto('register_imports')
        .values({
          ...run,
          tenant_id: tenantId,
          status,
          counts: null,
          report: null,
          error: null,
          finished_at: null,
          started_at: status === 'running' ? run.created_at : null,
          progress_rows: null,
          progress_bytes: null,
        })
        .execute();
    },

    /** Takes a queued run for this worker; false when it is not queued (taken, finished) any more. */
    async claim(tenantId: TenantId, id: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('register_imports')
        .set({ status: 'running', started_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async progress(tenantId: TenantId, id: string, rows: number, bytes: number): Promise<void> {
      await db
        .updateTable('register_imports')
        .set({ progress_rows: rows, progress_bytes: bytes })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },

    /** What the import did: written whatever the row said (the import's own outcome is the truth). */
    async finish(tenantId: TenantId, id: string, outcome: Outcome): Promise<void> {
      await db
        .updateTable('register_imports')
        .set(outcome)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },

    /** Marks a run failed that is still `running` although the process running it is gone. */
    async failLost(tenantId: TenantId, id: string, outcome: Outcome): Promise<void> {
      await db
        .updateTable('register_imports')
        .set(outcome)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },

    /** A failed run queued again (its file still stored); false when it was not failed. */
    async requeue(tenantId: TenantId, id: string): Promise<boolean> {
      const result = await db
        .updateTable('register_imports')
        .set({
          status: 'queued',
          counts: null,
          report: null,
          error: null,
          finished_at: null,
          started_at: null,
          progress_rows: null,
          progress_bytes: null,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async find(tenantId: TenantId, id: string): Promise<RegisterRunRow | undefined> {
      return db
        .selectFrom('register_imports')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** Stores an uploaded file for its run, chunk by chunk (call inside the transaction that inserts the run). */
    async storeFile(tenantId: TenantId, id: string, input: Readable): Promise<void> {
      let seq = 0;
      let pending: Buffer[] = [];
      let size = 0;
      const flush = async () => {
        if (size === 0) return;
        await db
          .insertInto('register_import_files')
          .values({ import_id: id, tenant_id: tenantId, seq: seq++, data: Buffer.concat(pending) })
          .execute();
        pending = [];
        size = 0;
      };
      for await (const chunk of input as AsyncIterable<Buffer>) {
        pending.push(chunk);
        size += chunk.length;
        if (size >= CHUNK_BYTES) await flush();
      }
      await flush();
    },

    async hasFile(tenantId: TenantId, id: string): Promise<boolean> {
      return (
        (await db
          .selectFrom('register_import_files')
          .select('seq')
          .where('tenant_id', '=', tenantId)
          .where('import_id', '=', id)
          .limit(1)
          .executeTakeFirst()) !== undefined
      );
    },

    /** The stored file's chunks in order, one query each (a large file is never all in memory). */
    async *readFile(tenantId: TenantId, id: string): AsyncGenerator<Buffer> {
      for (let seq = 0; ; seq++) {
        const row = await db
          .selectFrom('register_import_files')
          .select('data')
          .where('tenant_id', '=', tenantId)
          .where('import_id', '=', id)
          .where('seq', '=', seq)
          .executeTakeFirst();
        if (!row) return;
        yield Buffer.from(row.data);
      }
    },

    async deleteFile(tenantId: TenantId, id: string): Promise<void> {
      await db
        .deleteFrom('register_import_files')
        .where('tenant_id', '=', tenantId)
        .where('import_id', '=', id)
        .execute();
    },
  };
}

export type RegisterRunRepository = ReturnType<typeof registerRunRepository>;
