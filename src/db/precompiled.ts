/**
 * Queries built and compiled once, then run with new parameter values: for the statements of the hot
 * paths (a resident login runs a dozen), where Kysely's building and compiling of the same query on every
 * call cost as much Node CPU as the round trip itself.
 *
 * The builder is called once with a placeholder for each named parameter; the compiled SQL is kept, and
 * each call only fills the parameter array. Everything else the builder writes (constants, column lists)
 * is fixed at that first compilation, so a builder must not branch on parameter values.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult, RawBuilder } from 'kysely';

/** A placeholder: a string no caller sends, found again among the compiled query's parameters. */
const MARK = '\u0000aviso-parameter:';

/** Inside the builder, `param('name')` stands for the value given under that name at each call. */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

/** Where a compiled query may run: the database it was compiled for, or a transaction of it. */
export interface QueryRunner {
  executeQuery<O>(query: CompiledQuery<O>): Promise<QueryResult<O>>;
}

/** Runs the compiled query with these parameter values, on the database it was compiled for or on `on` (a transaction of it). */
export type PrecompiledQuery<P, R> = (params: P, on?: QueryRunner) => Promise<QueryResult<R>>;

/** The query `build` makes, compiled on first use; `build` receives the database and the placeholder function. */
export function precompile<DB, P, R>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, param: Param<P>) => Compilable<R> | RawBuilder<R>,
): PrecompiledQuery<P, R> {
  let compiled: { query: CompiledQuery<R>; slots: Array<{ name: keyof P } | { value: unknown }> } | undefined;

  const compile = () => {
    const names = new Set<string>();
    const param: Param<P> = (name) => {
      names.add(name);
      return `${MARK}${name}` as P[typeof name];
    };
    // A query builder compiles itself; an sql`…` template needs the database to compile against.
    const built: { compile(db: Kysely<DB>): CompiledQuery<R> } = build(db, param);
    const query = built.compile(db);
    if (query.sql.includes(MARK)) throw new Error('precompile: a parameter was written into the SQL text');
    const slots = query.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(MARK) ? { name: value.slice(MARK.length) as keyof P } : { value },
    );
    for (const name of names) {
      if (!slots.some((s) => 'name' in s && s.name === name))
        throw new Error(`precompile: parameter ${name} is not among the query's parameters`);
    }
    return { query, slots };
  };

  return (params, on = db) => {
    compiled ??= compile();
    const parameters = compiled.slots.map((s) => ('name' in s ? params[s.name] : s.value));
    return on.executeQuery<R>({ ...compiled.query, parameters });
  };
}
