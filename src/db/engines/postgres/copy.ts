/**
 * PostgreSQL's COPY … FROM STDIN for bulk inserts of rows known to be new, through Kysely: the statement's
 * one parameter is a `CopyRows`, which the connection (statements.ts) streams as COPY data instead of
 * binding it. Measured against `INSERT … SELECT FROM unnest(…)`: the rows go as plain text lines, which
 * the client writes with a string join and the server parses far cheaper than array elements.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Lines of COPY's text format, written chunk by chunk as they are made (the server parses one while the next is built). */
export class CopyRows {
  constructor(readonly chunks: Iterable<string>) {}
}

const ROWS_PER_CHUNK = 5_000;

/** One value in COPY's text format: `\N` for null, backslash escapes for the characters that separate fields and rows. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : text;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** The text lines of `rows`, each row's values followed by `shared` (the same for every row). */
export function copyRows(rows: ReadonlyArray<readonly unknown[]>, shared: readonly unknown[]): CopyRows {
  const suffix = shared.map((value) => `\t${field(value)}`).join('') + '\n';
  function* chunks(): Generator<string> {
    for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
      const end = Math.min(rows.length, i + ROWS_PER_CHUNK);
      let text = '';
      for (let r = i; r < end; r++) {
        const row = rows[r]!;
        let line = field(row[0]);
        for (let c = 1; c < row.length; c++) line += `\t${field(row[c])}`;
        text += line + suffix;
      }
      yield text;
    }
  }
  return new CopyRows({ [Symbol.iterator]: chunks });
}

/** `copy TABLE (COLUMNS…) from stdin`: the statement a CopyRows goes with. */
export const copyStatement = (table: string, columns: readonly string[]) =>
  `copy ${table} (${columns.join(', ')}) from stdin`;

/** Runs a COPY … FROM STDIN on `client` with `rows` as its data; answers as a query result does. */
export async function copyIn(
  client: pg.PoolClient,
  statement: string,
  rows: CopyRows,
): Promise<{ command: string; rowCount: number; rows: [] }> {
  const stream = client.query(copyFrom(statement));
  await pipeline(Readable.from(rows.chunks, { objectMode: false }), stream);
  return { command: 'COPY', rowCount: stream.rowCount, rows: [] };
}
