/**
 * The API document as an independent linter reads it: `redocly lint` with its recommended rules
 * (redocly.yaml) finds no error and no warning — every operation has an operationId and its
 * problem+json 4xx answers, public operations say they need no login, feeds name their media types,
 * there is a server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REDOCLY = join(ROOT, 'node_modules/.bin/redocly');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
}

async function lint(document: unknown): Promise<LintReport> {
  const file = join(mkdtempSync(join(tmpdir(), 'aviso-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  // Exit code 1 on errors: the report on stdout says which.
  const run = promisify(execFile)(REDOCLY, ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'], {
    cwd: ROOT,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  const { stdout } = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return JSON.parse(stdout) as LintReport;
}

describeEachDatabase('OpenAPI document', (t) => {
  it('passes redocly lint with the recommended rules: no errors, no warnings', async () => {
    const document = (await t().app.inject({ url: '/api/openapi.json' })).json();
    const report = await lint(document);
    expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    // What the rules ask for, read back: ids, errors as problem+json, feeds' media types.
    const operations = Object.values(
      document.paths as Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>,
    ).flatMap((item) => Object.values(item));
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    expect(operations.every((o) => Object.keys(o.responses).some((status) => status.startsWith('4')))).toBe(true);
    expect(document.components.responses.BadRequest.content).toHaveProperty(['application/problem+json']);
    expect(Object.keys(document.paths['/api/t/{tenant}/public/cap.atom'].get.responses['200'].content)).toEqual([
      'application/atom+xml',
    ]);
    expect(document.paths['/api/t/{tenant}/login/pin'].post).toMatchObject({
      operationId: 'postTenantLoginPin',
      security: [],
    });
  }, 60_000);
});
