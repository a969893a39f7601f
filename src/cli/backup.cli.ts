import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { backupDatabase, BackupError, restoreDatabase } from '../db/backup.js';
import { CliError } from './runtime.js';

const oneLine = async (work: () => Promise<void>): Promise<void> => {
  try {
    await work();
  } catch (error) {
    throw error instanceof BackupError ? new CliError(error.message) : error;
  }
};

export function backupCommand(): Command {
  return new Command('backup')
    .description(
      'write a consistent backup of the database to FILE, while Aviso runs (SQLite: online backup; PostgreSQL: pg_dump)',
    )
    .argument('<file>', 'where to write it (replaced once complete)')
    .action(async (file: string) => {
      const url = loadConfig().databaseUrl;
      await oneLine(() => backupDatabase(url, file));
      console.log(`backup written to ${file}`);
    });
}

export function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'restore a backup into AVISO_DATABASE_URL, which must be new or empty (stop Aviso first); then aviso migrate',
    )
    .argument('<file>', 'a file written by aviso backup')
    .option('--force', 'SQLite: replace an existing database file')
    .action(async (file: string, options: { force?: boolean }) => {
      const url = loadConfig().databaseUrl;
      await oneLine(() => restoreDatabase(url, file, options));
      console.log(`restored ${file}; run aviso migrate if this version is newer than the backup`);
    });
}
