/** What both engines' backups need: their error, and telling a SQLite backup file from any other. */
import { closeSync, openSync, readSync } from 'node:fs';

export class BackupError extends Error {
  override name = 'BackupError';
}

/** Whether `file` starts as a SQLite database does (a PostgreSQL backup is a pg_dump archive). */
export function isSqliteFile(file: string): boolean {
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return header.toString('latin1') === 'SQLite format 3\0';
}
