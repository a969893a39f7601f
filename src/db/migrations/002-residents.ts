/** Tables of the residents issue (#3): PINs, verification of new endpoints, company contacts. */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(_db: Kysely<unknown>, _dialect: DialectInfo): Promise<void> {}
