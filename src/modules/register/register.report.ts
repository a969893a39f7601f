/** What an import tells: counts (the only thing the audit log keeps) and the report of rejected rows. */
import { csvCell } from '../../lib/csv-write.js';

export interface RegisterImportCounts {
  /** Data rows read. rows = added + updated + unchanged + skipped + protected + rejected. */
  rows: number;
  /** Persons new to the register. */
  added: number;
  /** Persons whose names, birth date, numbers or address changed. */
  updated: number;
  unchanged: number;
  /** Register persons no longer in the file (moved away, died, now protected…): their register data is removed. */
  removed: number;
  /** Valid rows with nothing to store: the resident's own entry covers them, or every number is suppressed. */
  skipped: number;
  /** Non-disclosure rows: nothing of them is stored. */
  protected: number;
  /** Rows not imported (bad or missing fields, unmatched address, duplicate person id). */
  rejected: number;
  /** Of the rejected: rows whose address is not in the address register. */
  unmatched: number;
  /** Of the rejected: a person id seen before in the file. */
  duplicates: number;
  /** Rows imported with a remark (a bad second number). */
  warnings: number;
  /** Numbers not added because the resident opted out. */
  suppressed: number;
  /** Numbers not added because a self-registered entry holds them for the same address. */
  selfCovered: number;
  /** Rows matched to their building without the staircase or flat part (`12 B 5` → `12 B`). */
  byBuilding: number;
}

export type ReportOutcome = 'rejected' | 'imported' | 'protected';

/** One line of the report; never a value of the row (the line number says where to look). */
export interface ReportEntry {
  line: number;
  outcome: ReportOutcome;
  reason: string;
  /** For an unmatched address: the closest address in the register. */
  candidate: string | null;
}

export interface RegisterImportReport extends RegisterImportCounts {
  dryRun: boolean;
  /** More than half of the register's persons would be removed (the import refuses unless allowed). */
  massRemoval: boolean;
  /** The first report entries (all of them go to `onReport`). */
  entries: ReportEntry[];
}

export const emptyCounts = (): RegisterImportCounts => ({
  rows: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  removed: 0,
  skipped: 0,
  protected: 0,
  rejected: 0,
  unmatched: 0,
  duplicates: 0,
  warnings: 0,
  suppressed: 0,
  selfCovered: 0,
  byBuilding: 0,
});

export const REPORT_HEADER = 'line,outcome,reason,candidate\n';

export function reportLine(entry: ReportEntry): string {
  return `${entry.line},${entry.outcome},${csvCell(entry.reason)},${csvCell(entry.candidate)}\n`;
}

/** The diff in one line, as the CLI prints it. */
export function summarise(report: RegisterImportReport): string {
  const parts = [
    `${report.added} added`,
    `${report.updated} updated`,
    `${report.unchanged} unchanged`,
    `${report.removed} removed`,
    `${report.skipped} skipped`,
    `${report.unmatched} unmatched`,
    `${report.protected} protected`,
    `${report.rejected - report.unmatched} other rejected`,
    `${report.suppressed} suppressed numbers`,
    `${report.selfCovered} numbers covered by residents' own entries`,
  ];
  return `${report.rows} rows: ${parts.join(', ')}`;
}
