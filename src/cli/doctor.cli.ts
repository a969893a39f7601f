import { Command } from 'commander';
import { diagnose, type Severity } from '../modules/ops/doctor.js';
import { CliError } from './runtime.js';

const MARK: Record<Severity, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check the configuration, database, channels, speech tools, secret and clock; exit 1 on a problem')
    .action(async () => {
      const findings = await diagnose();
      for (const f of findings)
        console.log(`${MARK[f.severity]}  ${f.check}: ${f.detail}${f.fix ? `\n      → ${f.fix}` : ''}`);
      const failed = findings.filter((f) => f.severity === 'fail');
      if (failed.length)
        throw new CliError(
          `${failed.length} problem${failed.length > 1 ? 's' : ''}: ${failed.map((f) => f.check).join(', ')}`,
        );
    });
}
