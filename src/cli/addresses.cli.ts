import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ADDRESS_FORMATS, type AddressFormat } from '../modules/addresses/address.parse.js';
import { importAddresses } from '../modules/addresses/address.import.js';
import { SUPPORTED_CRS } from '../modules/addresses/address.crs.js';
import { progressBar } from './progress.js';
import { CliError, withContext } from './runtime.js';

export function addressesCommand(): Command {
  const command = new Command('addresses').description('the address register');
  command
    .command('import')
    .description('import (or re-import) an address file; idempotent, all-or-nothing, rejected rows reported')
    .argument('<file>', 'CSV (aviso or OpenAddresses layout) or GeoJSON FeatureCollection of points')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .addOption(new Option('--format <format>', 'file layout').choices(ADDRESS_FORMATS).default('aviso'))
    .addOption(
      new Option('--crs <code>', `coordinate system of the file (${SUPPORTED_CRS.join(', ')})`).default('EPSG:4326'),
    )
    .option('--report <file>', 'write every rejected row (line,reason) to this CSV file')
    .action(async (file: string, options: { tenant: string; format: AddressFormat; crs: string; report?: string }) => {
      const size = statSync(file, { throwIfNoEntry: false })?.size;
      if (size === undefined) throw new CliError(`no such file: ${file}`);
      await withContext(async (context) => {
        const tenant = await context.tenants.findTenant(options.tenant);
        if (!tenant) throw new CliError(`no tenant ${options.tenant}`);
        const stream = createReadStream(file);
        const report = options.report ? createWriteStream(options.report) : undefined;
        report?.write('line,reason\n');
        const bar = progressBar(size, 'bytes');
        const started = Date.now();
        const result = await importAddresses(context.db, tenant, stream, {
          format: options.format,
          crs: options.crs,
          now: context.clock.now(),
          onProgress: (rows) => bar.update(stream.bytesRead, { rows }),
          onReject: (r) => report?.write(`${r.line},"${r.reason.replace(/"/g, '""')}"\n`),
        }).finally(() => bar.stop());
        report?.end();
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `${tenant.slug}: ${result.rows} rows in ${seconds.toFixed(1)} s — ${result.added} added, ${result.updated} updated, ` +
            `${result.unchanged} unchanged, ${result.rejected} rejected`,
        );
        for (const r of result.rejections.slice(0, 20)) console.log(`  line ${r.line}: ${r.reason}`);
        if (result.rejected > 20)
          console.log(
            `  … ${result.rejected - 20} more${options.report ? ` in ${options.report}` : ' (use --report FILE)'}`,
          );
      });
    });
  return command;
}
