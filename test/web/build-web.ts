/**
 * vitest globalSetup: builds the web pages into web/dist once, unless the build is newer than every
 * source file under web/ and every file outside it that the bundle holds (the SMS counter it shares with
 * the server: the stamp lists them) — so `npm test` on a fresh clone has pages to serve, and reruns stay fast.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Rollup } from 'vite';

const WEB = join(process.cwd(), 'web');
const STAMP = join(WEB, 'dist', '.built');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The files outside web/ (and node_modules) the last build bundled, as its stamp lists them. */
function sharedSources(): string[] {
  const lines = readFileSync(STAMP, 'utf8').split('\n').slice(1);
  return lines.filter(Boolean);
}

export function webBuildIsFresh(): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return (
    built >= newestSource(WEB) && sharedSources().every((file) => existsSync(file) && built >= statSync(file).mtimeMs)
  );
}

function bundledOutsideWeb(output: Rollup.RollupOutput | Rollup.RollupOutput[] | Rollup.RollupWatcher): string[] {
  const outputs = Array.isArray(output) ? output : 'output' in output ? [output] : [];
  const files = outputs.flatMap((o) =>
    o.output.flatMap((chunk) => (chunk.type === 'chunk' ? Object.keys(chunk.modules) : [])),
  );
  return [...new Set(files)]
    .filter((f) => f.startsWith('/') && !f.startsWith(`${WEB}/`) && !f.includes('/node_modules/'))
    .sort();
}

export default async function setup(): Promise<void> {
  if (webBuildIsFresh()) return;
  const output = await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, [new Date().toISOString(), ...bundledOutsideWeb(output)].join('\n') + '\n');
}
