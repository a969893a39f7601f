/**
 * vitest globalSetup: builds the web pages into web/dist once, unless the build is newer than every
 * source file under web/ — so `npm test` on a fresh clone has pages to serve, and reruns stay fast.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

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

export function webBuildIsFresh(): boolean {
  return existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestSource(WEB);
}

export default async function setup(): Promise<void> {
  if (webBuildIsFresh()) return;
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, new Date().toISOString());
}
