/** The SQL of one-time PINs. At most one live PIN per (tenant, purpose, subject). */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../../db/engines/engine.js';
import type { CounterLimit, IssueOutcome, NewPin, PinPurpose, PinRules } from '../../db/engines/writes.js';
import { precompile, type Param, type PrecompiledQuery } from '../../db/precompiled.js';
import type { Database } from '../../db/schema.js';
import { claimRow } from './rate-limit.repository.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import { loginContactColumns, toLoginContact, type LoginContact } from './login-contact.js';

export type { CounterLimit, IssueOutcome, NewPin, PinPurpose };

/** What a new PIN must pass, checked and counted by `issue` in the order given here. */
export interface IssueRules extends PinRules {
  /** A key to claim once (a CAPTCHA solution) before anything else; already claimed, nothing else happens. */
  claim?: { key: string; until: number } | undefined;
}

export interface ClaimedAttempt {
  id: string;
  codeHash: string;
  attempts: number;
  /** What the login endpoint opens, when the claim was asked to read it (`loginValue`). */
  login?: LoginContact;
}

type ClaimRow = {
  id: string;
  code_hash: string;
  attempts: number;
  login_contact_id?: string | null;
  login_known?: boolean | number;
};

export function pinRepository(db: Kysely<Database>, engine: Pick<Engine, 'pinIssuer'>) {
  const issuePin = engine.pinIssuer(db);
  /** `claimAttempt`'s statement for `lockCount` locks, with or without the login's read (the callers' shapes are fixed: one compilation each). */
  const claimStatements = new Map<string, PrecompiledQuery<Record<string, string | number>, ClaimRow>>();
  const claimStatement = (lockCount: number, withLogin: boolean) => {
    const shape = `${lockCount}:${withLogin}`;
    let statement = claimStatements.get(shape);
    if (statement) return statement;
    statement = precompile(db, (db, p: Param<Record<string, string | number>>) => {
      let query = db
        .updateTable('pins')
        .set({ attempts: sql<number>`attempts + 1` })
        .where('tenant_id', '=', p('tenantId') as TenantId)
        .where('purpose', '=', p('purpose') as PinPurpose)
        .where('subject', '=', p('subject') as string)
        .where('attempts', '<', p('maxAttempts') as number)
        .where('expires_at', '>', p('now') as number);
      if (lockCount > 0) {
        const locks = Array.from({ length: lockCount }, (_, i) => i);
        query = query.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('rate_counters')
                .select('key')
                .where((c) =>
                  c.or(
                    locks.map((i) =>
                      c.and([
                        c('key', '=', p(`key${i}`) as string),
                        c('window_start', '=', p(`window${i}`) as number),
                        c('count', '>=', p(`limit${i}`) as number),
                      ]),
                    ),
                  ),
                ),
            ),
          ),
        );
      }
      if (!withLogin) return query.returning(['id', 'code_hash', 'attempts']);
      return query.returning(['id', 'code_hash', 'attempts', ...loginContactColumns(p('tenantId'), p('loginValue'))]);
    });
    claimStatements.set(shape, statement);
    return statement;
  };
  const deletePin = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string }>) =>
    db.deleteFrom('pins').where('tenant_id', '=', p('tenantId')).where('id', '=', p('id')),
  );

  const repo = {
    /**
     * Issues `pin` in place of the subject's previous one if `rules` allow: the cooldown and the locks
     * refuse without counting; otherwise every counter counts the request, and the PIN is stored when
     * all are within their limits; all or nothing (`Engine.pinIssuer`: one statement on PostgreSQL, a
     * transaction on SQLite). The caller reads the outcome to say which rule refused.
     */
    issue: (tenantId: TenantId, pin: NewPin, rules: IssueRules): Promise<IssueOutcome> =>
      issuePin({ tenantId, pin, claim: rules.claim && claimRow(rules.claim.key, rules.claim.until), rules }),

    /**
     * Uses up one attempt of the subject's live PIN, atomically, and returns it — or nothing when there is
     * no PIN, it has expired, its attempts are spent, or one of `locks` (failure counters at their limit)
     * holds. Counting before comparing means that parallel guesses cannot get more than `maxAttempts`
     * comparisons out of one PIN. With `loginValue` (an E.164 number or email), the claimed attempt also
     * says what logging in with it opens (`login`), read in the same statement: a login's round trip saved.
     */
    async claimAttempt(
      tenantId: TenantId,
      purpose: PinPurpose,
      subject: string,
      maxAttempts: number,
      now: number,
      locks: ReadonlyArray<{ key: string; windowStart: number; limit: number }> = [],
      loginValue?: string,
    ): Promise<ClaimedAttempt | undefined> {
      const params: Record<string, string | number> = {
        tenantId,
        purpose,
        subject,
        maxAttempts,
        now,
        ...(loginValue === undefined ? {} : { loginValue }),
      };
      for (const [i, l] of locks.entries())
        Object.assign(params, { [`key${i}`]: l.key, [`window${i}`]: l.windowStart, [`limit${i}`]: l.limit });
      const row = (await claimStatement(locks.length, loginValue !== undefined)(params)).rows[0];
      if (!row) return undefined;
      const attempt = { id: row.id, codeHash: row.code_hash, attempts: Number(row.attempts) };
      return loginValue === undefined
        ? attempt
        : {
            ...attempt,
            login: toLoginContact({
              login_contact_id: row.login_contact_id ?? null,
              login_known: row.login_known ?? false,
            }),
          };
    },

    /** Gives back an attempt claimed for a guess that was not compared (its source had used its share). */
    async releaseAttempt(tenantId: TenantId, id: string): Promise<void> {
      await db
        .updateTable('pins')
        .set({ attempts: sql<number>`attempts - 1` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('attempts', '>', 0)
        .execute();
    },

    /** Consumes the PIN (single use): true only for the one caller that removed it. */
    async consume(tenantId: TenantId, id: string): Promise<boolean> {
      const result = await deletePin({ tenantId, id });
      return Number(result.numAffectedRows) === 1;
    },

    async deleteForSubject(tenantId: TenantId, purpose: PinPurpose, subject: string): Promise<void> {
      await db
        .deleteFrom('pins')
        .where('tenant_id', '=', tenantId)
        .where('purpose', '=', purpose)
        .where('subject', '=', subject)
        .execute();
    },

    /** Housekeeping across tenants. */
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('pins').where('expires_at', '<=', now).execute();
    },
  };
  return repo;
}

export type PinRepository = ReturnType<typeof pinRepository>;
