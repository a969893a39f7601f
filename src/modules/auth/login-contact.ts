/**
 * Which contact a login with an endpoint (a number, an email) opens, as SQL another statement embeds: the
 * PIN check claims its attempt and reads these in one round trip. The contacts tables are the residents'.
 */
import { sql } from 'kysely';

/** What logging in with an endpoint opens: the contact (none yet: the resident may register) and whether the public register holds it. */
export interface LoginContact {
  contactId: string | null;
  known: boolean;
}

/**
 * `LoginContact` as two columns for another statement (a login claims its PIN attempt and reads these in
 * the same round trip): `login_contact_id` — of the contacts holding the endpoint from the public register
 * or verified (an unverified number somebody else typed in opens nothing), the supplementary register's
 * before the public register's, then the most recently updated — and `login_known`.
 */
export function loginContactColumns(tenantId: unknown, value: unknown) {
  const holders = sql`contact_endpoints e join contacts c on c.id = e.contact_id where e.tenant_id = ${tenantId} and e.value = ${value} and (e.source = 'register' or e.verified = 1)`;
  return [
    sql<
      string | null
    >`(select c.id from ${holders} order by case when c.source = 'self' then 0 else 1 end, c.updated_at desc, c.id limit 1)`.as(
      'login_contact_id',
    ),
    sql<boolean | number>`exists (select 1 from ${holders} and c.source = 'register')`.as('login_known'),
  ] as const;
}

/** The columns of `loginContactColumns` read back (SQLite answers exists with 0/1, PostgreSQL with a boolean). */
export const toLoginContact = (row: {
  login_contact_id: string | null;
  login_known: boolean | number;
}): LoginContact => ({
  contactId: row.login_contact_id,
  known: row.login_known === true || row.login_known === 1,
});
