/** Runs the real `aviso` CLI from source in a child process, against a test database. */
import { spawn, spawnSync } from 'node:child_process';
import type { FreshDatabase } from './databases.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Connection URL for a child process: PostgreSQL gets the test schema on its search_path. */
export function childDatabaseUrl(database: FreshDatabase): string {
  if (!database.schema) return database.url;
  const separator = database.url.includes('?') ? '&' : '?';
  return `${database.url}${separator}schema=${database.schema}`;
}

/**
 * Time for a test that starts `processes` CLI processes one after another. Each loads Aviso through tsx and opens
 * the database: about 1.5 s on an idle machine, 6–8 s on a CI machine whose cores the other test files share.
 */
export function childProcessesTimeout(processes: number): { timeout: number } {
  return { timeout: processes * 20_000 };
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AVISO_LOG_LEVEL: 'silent',
      AVISO_SECRET: 'test-secret-test-secret-test-secret-0123',
      ...env,
    },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As runCli, without blocking this process: for tests whose servers (SMTP, SMPP, HTTP) the CLI talks to. */
export function runCliAsync(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  // A variable given as undefined is left out of the child's environment.
  const merged = {
    ...process.env,
    AVISO_LOG_LEVEL: 'silent',
    AVISO_SECRET: 'test-secret-test-secret-test-secret-0123',
    ...env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)),
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
