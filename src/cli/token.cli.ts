import { Command, Option } from 'commander';
import { ROLES, type Role } from '../modules/operators/operator.service.js';
import { CliError, withContext } from './runtime.js';

export function tokenCommand(): Command {
  const command = new Command('token').description('API tokens for integrations (Authorization: Bearer …)');
  command
    .command('create')
    .description('create an API token and print it (it is shown only this once)')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).default('operator'))
    .option('--name <name>', 'what the token is for', 'cli')
    .action(async (options: { tenant: string; role: Role; name: string }) => {
      await withContext(async (context) => {
        const tenant = await context.tenants.findTenant(options.tenant);
        if (!tenant) throw new CliError(`no tenant ${options.tenant}`);
        const { token } = await context.operators.createToken(tenant, { name: options.name, role: options.role }, null);
        console.log(token);
      });
    });
  return command;
}
