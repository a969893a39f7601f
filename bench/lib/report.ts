/**
 * What every benchmark returns to the dispatcher (bench/run.ts): rows for a table, the checks against
 * the targets, and any detail worth keeping in bench/out/NAME.json.
 */
export type Cell = string | number;

export interface Check {
  /** What is measured, e.g. "sqlite: import rows/s". */
  name: string;
  /** The target as text, e.g. "≥ 50,000". */
  target: string;
  actual: Cell;
  ok: boolean;
}

export interface BenchResult {
  /** One row per measured case (e.g. per database), printed as a table. */
  rows: Array<Record<string, Cell>>;
  checks: Check[];
  /** Raw figures (autocannon's result, per-file timings…) for the JSON file. */
  details?: unknown;
}

/** A benchmark module `bench/NAME.bench.ts`. */
export interface BenchModule {
  /** One line for `npm run bench` without a name. */
  description: string;
  run(args: string[]): Promise<BenchResult>;
}

/** A number with thousands separators and a fixed number of decimals. */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Whole numbers as they are; fractions with two decimals below 10 (0.42 ms), one above. */
const decimalsFor = (value: number): number => (Number.isInteger(value) ? 0 : Math.abs(value) < 10 ? 2 : 1);

/** Columns are the union of the rows' keys, in first-seen order; numbers right-aligned. */
export function renderTable(rows: ReadonlyArray<Record<string, Cell>>): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const text = (cell: Cell | undefined) =>
    cell === undefined ? '' : typeof cell === 'number' ? formatNumber(cell, decimalsFor(cell)) : cell;
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => text(row[c]).length)));
  const line = (cells: string[], numeric: boolean[]) =>
    '│ ' +
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' │ ') +
    ' │';
  const rule = (left: string, mid: string, right: string) =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  return [
    rule('┌', '┬', '┐'),
    line(
      columns,
      columns.map(() => false),
    ),
    rule('├', '┼', '┤'),
    ...rows.map((row) =>
      line(
        columns.map((c) => text(row[c])),
        columns.map((c) => typeof row[c] === 'number'),
      ),
    ),
    rule('└', '┴', '┘'),
  ].join('\n');
}

export function renderChecks(checks: readonly Check[]): string {
  return checks
    .map(
      (c) =>
        `${c.ok ? 'ok    ' : 'MISSED'}  ${c.name}: ${typeof c.actual === 'number' ? formatNumber(c.actual, decimalsFor(c.actual)) : c.actual} (target ${c.target})`,
    )
    .join('\n');
}
