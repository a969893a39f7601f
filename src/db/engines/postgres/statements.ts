/**
 * node-postgres pool for Kysely with server-side prepared statements: every parameterised SELECT /
 * INSERT / UPDATE / DELETE runs as a named statement (named by a hash of its text), so PostgreSQL parses
 * and plans it once per connection instead of on every call. On the login path (a dozen short statements
 * per login) that took about a third off PostgreSQL's CPU per statement (bench/login.bench.ts).
 *
 * A statement whose one parameter is a CopyRows runs as COPY … FROM STDIN with those rows (copy.ts).
 *
 * Bounded: at most MAX_NAMED statements per connection, and only texts up to MAX_LENGTH (a bulk insert of
 * many rows is a one-off text that would only fill the server's memory); the rest run unnamed as before.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { CopyRows, copyIn } from './copy.js';

const MAX_NAMED = 500;
const MAX_LENGTH = 4000;
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

const named = new WeakMap<pg.PoolClient, Set<string>>();
/** Statement text → name, so that a hot statement is not hashed on every call (the texts are the same few hundred). */
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `k${createHash('sha1').update(text).digest('base64url')}`;
    if (names.size >= MAX_NAMED) names.clear();
    names.set(text, name);
  }
  return name;
}

function statementName(client: pg.PoolClient, text: string): string | undefined {
  if (text.length > MAX_LENGTH || !PREPARABLE.test(text)) return undefined;
  const name = nameOf(text);
  let prepared = named.get(client);
  if (!prepared) named.set(client, (prepared = new Set()));
  if (prepared.has(name)) return name;
  if (prepared.size >= MAX_NAMED) return undefined;
  prepared.add(name);
  return name;
}

function preparingClient(client: pg.PoolClient): PostgresPoolClient {
  return {
    query: ((textOrCursor: unknown, parameters?: ReadonlyArray<unknown>) => {
      if (typeof textOrCursor !== 'string') return client.query(textOrCursor as pg.Submittable);
      const values = parameters ? [...parameters] : [];
      if (values.length === 1 && values[0] instanceof CopyRows) return copyIn(client, textOrCursor, values[0]);
      const name = values.length > 0 ? statementName(client, textOrCursor) : undefined;
      return name ? client.query({ name, text: textOrCursor, values }) : client.query(textOrCursor, values);
    }) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  };
}

/** The pool as Kysely's PostgresDialect takes it, with prepared statements on every connection. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => preparingClient(await pool.connect()),
    end: () => pool.end(),
  };
}
