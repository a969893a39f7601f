/** Tables of the dispatch issue (#4): operators, API tokens, incidents, messages, recipients, deliveries, jobs. */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(_db: Kysely<unknown>, _dialect: DialectInfo): Promise<void> {}
