/** A large write on PostgreSQL needs no session settings of its own (see sqlite/large-write.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';

export const withLargeWriteCache = <T>(_db: Kysely<Database>, work: () => Promise<T>): Promise<T> => work();
