import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { parseColumnMapping, parseDelimiter, parseEncoding } from '../modules/register/register.columns.js';
import { REPORT_HEADER, reportLine, summarise } from '../modules/register/register.report.js';
import { progressBar } from './progress.js';
import { CliError, withContext } from './runtime.js';

interface ImportFlags {
  tenant: string;
  dryRun?: boolean;
  encoding: string;
  delimiter?: string;
  columns?: string;
  report?: string;
  allowMassRemoval?: boolean;
}

function readMapping(file: string | undefined) {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`--columns ${file}: ${(error as Error).message}`);
  }
  return parseColumnMapping(text);
}

async function importAction(file: string, flags: ImportFlags): Promise<void> {
  const size = statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) throw new CliError(`no such file: ${file}`);
  const encoding = parseEncoding(flags.encoding);
  const delimiter = flags.delimiter === undefined ? undefined : parseDelimiter(flags.delimiter);
  const columns = readMapping(flags.columns);
  await withContext(async (context) => {
    const tenant = await context.tenants.findTenant(flags.tenant);
    if (!tenant) throw new CliError(`no tenant ${flags.tenant}`);
    const stream = createReadStream(file);
    const report = flags.report ? createWriteStream(flags.report) : undefined;
    report?.write(REPORT_HEADER);
    const bar = progressBar(size, 'bytes');
    const started = Date.now();
    const result = await context.register
      .importStream(
        tenant,
        stream,
        {
          encoding,
          delimiter,
          columns,
          dryRun: flags.dryRun ?? false,
          allowMassRemoval: flags.allowMassRemoval ?? false,
          actor: { type: 'import', id: null },
          fileName: file.split('/').pop() ?? file,
          fileBytes: size,
        },
        {
          onProgress: (rows) => bar.update(stream.bytesRead, { rows }),
          onReport: (entry) => report?.write(reportLine(entry)),
        },
      )
      .finally(() => {
        bar.stop();
        report?.end();
      });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `${tenant.slug}: ${result.dryRun ? 'dry run, nothing written — ' : ''}${summarise(result)} (${seconds} s)`,
    );
    if (result.massRemoval)
      console.log(
        `  warning: more than half of the register's persons would be removed${result.dryRun ? '' : ' (allowed)'}`,
      );
    for (const e of result.entries.slice(0, 20))
      console.log(`  line ${e.line}: ${e.outcome}: ${e.reason}${e.candidate ? ` (closest: ${e.candidate})` : ''}`);
    const more = result.entries.length > 20 || result.rejected + result.warnings > 20;
    if (more) console.log(`  … more${flags.report ? ` in ${flags.report}` : ' (use --report FILE)'}`);
  });
}

export function registerCommand(): Command {
  const command = new Command('register').description('the public population register');
  command
    .command('import')
    .description(
      'import (or re-import) a register file: a snapshot of the register-sourced data; self-registered data ' +
        'always wins; protected rows are never stored; all-or-nothing',
    )
    .argument(
      '<file>',
      'CSV: person_id,first_name,last_name,birth_date,street,number,postal_code,postal_town,mobile,landline,language,protected',
    )
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--dry-run', 'print the diff (added, updated, removed, unmatched, protected, suppressed) and write nothing')
    .option('--encoding <name>', 'utf8, latin1 (ISO-8859-1) or windows-1252', 'utf8')
    .option('--delimiter <char>', "',' ';' or tab (default: read from the header line)")
    .option(
      '--columns <file>',
      'JSON column mapping for other layouts: {"person_id": "HETU", "first_name": "Etunimi", …}',
    )
    .option('--report <file>', 'write every rejected row (line,outcome,reason,candidate) to this CSV file')
    .option('--allow-mass-removal', 'allow an import that removes more than half of the register (refused otherwise)')
    .action(importAction);
  return command;
}
