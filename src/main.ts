/**
 * The `aviso` command: parse, build, run, shut down. Every failure ends with a one-line reason and exit 1.
 */
import { Command } from 'commander';
import { ConfigError } from './config.js';
import { AppError } from './errors.js';
import { NewerDatabaseError } from './db/migrate.js';
import { addressesCommand } from './cli/addresses.cli.js';
import { registerCommand } from './cli/register.cli.js';
import { networkCommand } from './cli/network.cli.js';
import { demoCommand, migrateCommand } from './cli/db.cli.js';
import { backupCommand, restoreCommand } from './cli/backup.cli.js';
import { doctorCommand } from './cli/doctor.cli.js';
import { retentionCommand } from './cli/retention.cli.js';
import { CliError } from './cli/runtime.js';
import { serveCommand } from './cli/serve.cli.js';
import { smscCommand } from './cli/smsc.cli.js';
import { tenantCommand } from './cli/tenant.cli.js';
import { operatorCommand } from './cli/operator.cli.js';
import { tokenCommand } from './cli/token.cli.js';
import { workerCommand } from './cli/worker.cli.js';

export function buildCli(): Command {
  return new Command('aviso')
    .description('Aviso: disruption notices to residents, by address')
    .version('0.1.0')
    .showHelpAfterError()
    .addCommand(serveCommand())
    .addCommand(workerCommand())
    .addCommand(migrateCommand())
    .addCommand(demoCommand())
    .addCommand(tenantCommand())
    .addCommand(operatorCommand())
    .addCommand(tokenCommand())
    .addCommand(addressesCommand())
    .addCommand(registerCommand())
    .addCommand(networkCommand())
    .addCommand(smscCommand())
    .addCommand(doctorCommand())
    .addCommand(retentionCommand())
    .addCommand(backupCommand())
    .addCommand(restoreCommand());
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    const known =
      error instanceof CliError ||
      error instanceof ConfigError ||
      error instanceof AppError ||
      error instanceof NewerDatabaseError;
    console.error(`aviso: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  }
}

// Run directly (`tsx src/main.ts …`); bin/aviso.js imports and calls main() itself.
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  await main(process.argv);
}
