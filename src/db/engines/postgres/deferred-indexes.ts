/**
 * PostgreSQL never defers a large write's indexes: DROP INDEX locks the whole table, every tenant's reads
 * included, until the transaction ends (see sqlite/deferred-indexes.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import type { DeferrableIndex, IndexDeferral } from '../engine.js';

export const indexDeferral = (_db: Kysely<Database>, _indexes: readonly DeferrableIndex[]): IndexDeferral => ({
  deferIfSmall: async () => false,
  rebuild: async () => {},
});
