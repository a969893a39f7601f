import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { LANGUAGES, SERVICES, type Language, type Service } from '../modules/tenants/tenant.types.js';
import { CliError, withContext } from './runtime.js';

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

export function tenantCommand(): Command {
  const command = new Command('tenant').description('tenants: municipalities and utilities');
  command
    .command('add')
    .description('add a tenant with its service area')
    .requiredOption('--slug <slug>', 'URL name, e.g. mantta')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--area <file>', 'service area: GeoJSON Polygon/MultiPolygon (or a Feature holding one)')
    .option('--languages <list>', `ordered languages (${LANGUAGES.join(',')})`, 'fi,sv')
    .option('--services <list>', `services (${SERVICES.join(',')})`, 'water,sewer,district-heating')
    .option('--sender <name>', 'SMS sender name, at most 11 characters')
    .action(
      async (options: {
        slug: string;
        name: string;
        area: string;
        languages: string;
        services: string;
        sender?: string;
      }) => {
        let area: unknown;
        try {
          area = JSON.parse(readFileSync(options.area, 'utf8'));
        } catch (error) {
          throw new CliError(`--area ${options.area}: ${(error as Error).message}`);
        }
        await withContext(async (context) => {
          const tenant = await context.tenants.createTenant({
            slug: options.slug,
            name: options.name,
            languages: list(options.languages) as Language[],
            services: list(options.services) as Service[],
            serviceArea: area,
            ...(options.sender ? { smsSender: options.sender } : {}),
          });
          console.log(`tenant ${tenant.slug} added (${tenant.languages.join(',')}; sender ${tenant.smsSender})`);
        });
      },
    );
  command
    .command('list')
    .description('list tenants')
    .action(async () => {
      await withContext(async (context) => {
        for (const t of await context.tenants.listTenants()) {
          console.log(
            `${t.slug}\t${t.name}\t${t.languages.join(',')}\t${await context.addresses.count(t.id)} addresses`,
          );
        }
      });
    });
  return command;
}
