import { Command, Option } from 'commander';
import { ROLES, type Role } from '../modules/operators/operator.service.js';
import { CliError, withContext } from './runtime.js';

export function operatorCommand(): Command {
  const command = new Command('operator').description('operator accounts of a tenant');
  command
    .command('add')
    .description('add an operator; prints a one-time password (changed at first login) unless --password is given')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--email <email>', 'login email')
    .addOption(new Option('--role <role>', 'what the operator may do').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'display name')
    .option('--password <password>', 'set this password instead (at least 12 characters)')
    .action(async (options: { tenant: string; email: string; role: Role; name?: string; password?: string }) => {
      await withContext(async (context) => {
        const tenant = await context.tenants.findTenant(options.tenant);
        if (!tenant) throw new CliError(`no tenant ${options.tenant}`);
        const { operator, oneTimePassword } = await context.operators.createOperator(
          tenant,
          {
            email: options.email,
            role: options.role,
            name: options.name ?? null,
            ...(options.password ? { password: options.password } : {}),
          },
          null,
        );
        console.log(`operator ${operator.email} (${operator.role}) added to ${tenant.slug}`);
        if (oneTimePassword) console.log(`one-time password: ${oneTimePassword}`);
      });
    });
  command
    .command('list')
    .description('list the operators of a tenant')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .action(async (options: { tenant: string }) => {
      await withContext(async (context) => {
        const tenant = await context.tenants.findTenant(options.tenant);
        if (!tenant) throw new CliError(`no tenant ${options.tenant}`);
        for (const o of await context.operators.listOperators(tenant))
          console.log(`${o.email}\t${o.role}\t${o.totpEnabled ? 'totp' : 'no totp'}`);
      });
    });
  return command;
}
