/** Tables of the register import issue (#5): import runs and their reports. */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(_db: Kysely<unknown>, _dialect: DialectInfo): Promise<void> {}
