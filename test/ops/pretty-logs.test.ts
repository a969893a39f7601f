/** Logs are JSON lines for collectors, and pino-pretty's lines when stdout is a terminal (a pseudo-terminal by `script`). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const LOG_ONE_LINE = `import('./src/lib/logger.ts').then(({ createLogger }) => createLogger('info').info({ login: { phone: '+358401234567' } }, 'hello operator'))`;

describe('log format', () => {
  it('writes JSON lines when stdout is not a terminal', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', LOG_ONE_LINE], { encoding: 'utf8' });
    expect(JSON.parse(result.stdout.trim())).toMatchObject({
      level: 30,
      msg: 'hello operator',
      login: { phone: '[redacted]' },
    });
  });

  it('writes pretty lines on a terminal, still redacted', () => {
    const command = `${process.execPath} --import tsx -e "${LOG_ONE_LINE.replaceAll('"', '\\"')}"`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex
    const text = result.stdout.replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello operator\r?\n {4}login: \{\r?\n {6}"phone": "\[redacted\]"/m,
    );
    expect(text).not.toContain('{"level"');
    expect(text).not.toContain('+358401234567');
  });
});
