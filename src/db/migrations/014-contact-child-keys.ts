/**
 * PostgreSQL only: drops the foreign keys contact_endpoints → contacts and contact_addresses → contacts.
 * A register import inserts about two and a half million such child rows per million persons, and for
 * each PostgreSQL's check trigger looked the contact up and locked it (a WAL-logged row lock): server work
 * with no effect, since the import writes each child with the id of the contact it has just inserted.
 * The two places that delete contacts delete the children themselves, in the same transaction:
 * contactRepository.delete and the register's removePersons (as migrations 009, 011 and 012 did for
 * other parents). SQLite checks foreign keys inside the insert at no comparable cost and keeps them.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engines/engine.js';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine.name !== 'postgres') return;
  await sql`alter table contact_endpoints drop constraint if exists contact_endpoints_contact_id_fkey`.execute(db);
  await sql`alter table contact_addresses drop constraint if exists contact_addresses_contact_id_fkey`.execute(db);
}
