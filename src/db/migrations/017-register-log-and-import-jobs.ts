/**
 * The register change log (migration 007) kept by the database itself: triggers on `addresses`,
 * `contacts`, `contact_endpoints` and `contact_addresses` raise the tenant's revision and log the changed
 * contact in the same transaction as every write, however it was made — no writer can forget it. An
 * address write logs a bulk change (copies of the register are read again whole: the index cannot patch
 * addresses in). PostgreSQL logs once per statement (transition tables), a statement changing many
 * contacts as one bulk change; SQLite, which has row triggers only, once per row.
 *
 * A bulk writer (an import) that will change much of a tenant's register opens a `register_bulk_writes`
 * row for the tenant in its transaction: while it is there, writes of that tenant only mark it dirty, and
 * deleting it logs one bulk change if anything was written. PostgreSQL refuses to commit a transaction
 * that left its row behind; on SQLite `bulkRegisterWrite` (register-changes.repository.ts) removes it.
 *
 * Also register imports as jobs of the queue: an uploaded file is kept in the database (in chunks) until its
 * import is done, so that whichever process takes the job can read it, and a run can be retried after the
 * process running it died; a run is `queued` until a worker takes it, and its progress is kept on the row.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

/** The table, and the column that names the changed contact (none: an address, logged as a bulk change). */
const LOGGED: ReadonlyArray<readonly [table: string, contact: string | null]> = [
  ['addresses', null],
  ['contacts', 'id'],
  ['contact_endpoints', 'contact_id'],
  ['contact_addresses', 'contact_id'],
];

/** A statement changing more contacts than this logs one bulk change (the change log reads at most 5,000). */
const MAX_NAMED_CONTACTS = 1000;

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('register_bulk_writes')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('dirty', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  if (engine.name === 'postgres') await postgresTriggers(db);
  else await sqliteTriggers(db);
  await importJobs(db, engine);
}

async function importJobs(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema.alterTable('register_imports').addColumn('started_at', 'bigint').execute();
  await db.schema.alterTable('register_imports').addColumn('progress_rows', 'bigint').execute();
  await db.schema.alterTable('register_imports').addColumn('progress_bytes', 'bigint').execute();
  await db.schema
    .createTable('register_import_files')
    .addColumn('import_id', 'text', (c) => c.notNull().references('register_imports.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', engine.name === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('register_import_files_pk', ['import_id', 'seq'])
    .execute();
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  // `set search_path from current`: the functions find Aviso's tables in the schema they were made in.
  await sql`
    create function register_log(tenant_ids text[], contact_ids text[]) returns void
    language plpgsql set search_path from current as $$
    declare
      tenant text;
      ids text[];
      latest bigint;
    begin
      for tenant, ids in
        select c.tenant_id, array_agg(distinct c.contact_id)
        from unnest(tenant_ids, contact_ids) as c(tenant_id, contact_id)
        where exists (select 1 from tenants t where t.id = c.tenant_id)
        group by c.tenant_id
      loop
        update register_bulk_writes set dirty = 1 where tenant_id = tenant and dirty = 0;
        continue when found or exists (select 1 from register_bulk_writes b where b.tenant_id = tenant);
        if array_position(ids, null) is not null or cardinality(ids) > ${sql.lit(MAX_NAMED_CONTACTS)} then
          ids := array[null::text];
        end if;
        insert into register_revisions as r (tenant_id, revision) values (tenant, cardinality(ids))
          on conflict (tenant_id) do update set revision = r.revision + excluded.revision
          returning revision into latest;
        insert into register_changes (tenant_id, revision, contact_id, created_at)
          select tenant, latest - cardinality(ids) + u.n, u.id, (extract(epoch from clock_timestamp()) * 1000)::bigint
          from unnest(ids) with ordinality as u(id, n);
      end loop;
    end $$`.execute(db);
  for (const [table, contact] of LOGGED) {
    const column = contact ?? 'null::text';
    for (const event of ['insert', 'update', 'delete'] as const) {
      const rows = event === 'insert' ? 'new_rows' : event === 'delete' ? 'old_rows' : null;
      const changed = rows
        ? `select distinct tenant_id, ${column} as contact_id from ${rows}`
        : `select tenant_id, ${column} as contact_id from new_rows union select tenant_id, ${column} as contact_id from old_rows`;
      const name = `register_log_${table}_${event}`;
      await sql
        .raw(
          `
        create function ${name}() returns trigger language plpgsql set search_path from current as $$
        begin
          perform register_log(array_agg(c.tenant_id), array_agg(c.contact_id)) from (${changed}) c;
          return null;
        end $$`,
        )
        .execute(db);
      const referencing =
        event === 'insert'
          ? 'new table as new_rows'
          : event === 'delete'
            ? 'old table as old_rows'
            : 'new table as new_rows old table as old_rows';
      await sql
        .raw(
          `create trigger ${name} after ${event} on ${table} referencing ${referencing} for each statement execute function ${name}()`,
        )
        .execute(db);
    }
  }
  await sql`
    create function register_bulk_end() returns trigger language plpgsql set search_path from current as $$
    begin
      if old.dirty = 1 then perform register_log(array[old.tenant_id], array[null::text]); end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger register_bulk_end after delete on register_bulk_writes for each row execute function register_bulk_end()`.execute(
    db,
  );
  await sql`
    create function register_bulk_left_open() returns trigger language plpgsql set search_path from current as $$
    begin
      if exists (select 1 from register_bulk_writes where tenant_id = new.tenant_id) then
        raise exception 'a bulk register write of tenant % was left open: its changes would not be logged', new.tenant_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger register_bulk_left_open after insert on register_bulk_writes
    deferrable initially deferred for each row execute function register_bulk_left_open()`.execute(db);
}

/** SQLite: the statements that log one change of `contact` (an SQL expression; NULL: a bulk change) of `tenant`. */
function sqliteLog(tenant: string, contact: string): string {
  return `
    insert into register_revisions (tenant_id, revision) select id, 1 from tenants where id = ${tenant}
      on conflict (tenant_id) do update set revision = revision + 1;
    insert into register_changes (tenant_id, revision, contact_id, created_at)
      select tenant_id, revision, ${contact}, cast(unixepoch('subsec') * 1000 as integer) from register_revisions where tenant_id = ${tenant};`;
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  for (const [table, contact] of LOGGED) {
    for (const event of ['insert', 'update', 'delete'] as const) {
      // The row as written (an insert or update) or as it was (a delete); an update moving an endpoint or
      // a link to another contact logs the one it left as well.
      const sides =
        event === 'update' && contact === 'contact_id' ? ['new', 'old'] : [event === 'delete' ? 'old' : 'new'];
      for (const side of sides) {
        const name = `register_log_${table}_${event}${sides.length > 1 ? `_${side}` : ''}`;
        const bulk = `select 1 from register_bulk_writes where tenant_id = ${side}.tenant_id`;
        const moved = side === 'old' && event === 'update' ? ` and old.contact_id is not new.contact_id` : '';
        await sql
          .raw(
            `
          create trigger ${name} after ${event} on ${table} when not exists (${bulk})${moved}
          begin ${sqliteLog(`${side}.tenant_id`, contact ? `${side}.${contact}` : 'null')}
          end`,
          )
          .execute(db);
        if (side === 'old' && event === 'update') continue;
        await sql
          .raw(
            `
          create trigger ${name}_bulk after ${event} on ${table} when exists (${bulk} and dirty = 0)
          begin update register_bulk_writes set dirty = 1 where tenant_id = ${side}.tenant_id; end`,
          )
          .execute(db);
      }
    }
  }
  await sql
    .raw(
      `
    create trigger register_bulk_end after delete on register_bulk_writes when old.dirty = 1
    begin ${sqliteLog('old.tenant_id', 'null')}
    end`,
    )
    .execute(db);
}
