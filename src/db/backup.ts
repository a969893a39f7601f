/**
 * Consistent backups while Aviso serves, and their restore into a new, empty database; each engine
 * takes and restores its own kind (`Engine.backup`, `Engine.restore`).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { BackupError } from './engines/backup-file.js';
import { engineFor } from './engines/index.js';

export { BackupError };

/** Writes a backup of the database at `url` to `file` (replaced only once the backup is complete). */
export async function backupDatabase(url: string, file: string): Promise<void> {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  await engineFor(url).backup(url, partial);
  renameSync(partial, file);
}

/**
 * Restores `file` into the database at `url`, which must be new or empty (`force`: a SQLite file is
 * replaced). Aviso must not be running on it. Migrations are not run: `aviso migrate` (or serve) does that.
 */
export async function restoreDatabase(url: string, file: string, options: { force?: boolean } = {}): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`);
  await engineFor(url).restore(url, file, options);
}
