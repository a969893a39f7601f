/**
 * SQLite's backups: the online backup API (better-sqlite3's `backup`), which copies a consistent snapshot
 * while other connections keep writing; restored by checking the copy and putting it in the file's place.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { BackupError, isSqliteFile } from '../backup-file.js';
import { sqlitePathOf } from './connection.js';

export async function backup(url: string, file: string): Promise<void> {
  const path = sqlitePathOf(url);
  if (!existsSync(path)) throw new BackupError(`no database at ${path}`);
  const source = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
  try {
    await source.backup(file);
  } finally {
    source.close();
  }
}

export async function restore(url: string, file: string, options: { force?: boolean }): Promise<void> {
  const path = sqlitePathOf(url);
  if (!isSqliteFile(file))
    throw new BackupError(`${file} is not a SQLite backup (a PostgreSQL one restores into PostgreSQL)`);
  const check = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`${file} is damaged: ${String(result)}`);
  } finally {
    check.close();
  }
  if (existsSync(path) && !options.force)
    throw new BackupError(`${path} exists: restore into a new path, or pass --force to replace it (stop Aviso first)`);
  copyFileSync(file, `${path}.restoring`);
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  renameSync(`${path}.restoring`, path);
}
