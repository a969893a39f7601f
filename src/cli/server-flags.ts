/**
 * Node flags of the processes that serve HTTP, for `cluster.setupPrimary` before forking them.
 *
 * A larger young generation: semi-spaces of 32 MB instead of V8's 16. A resident's login allocates about
 * 150 KB, so at hundreds of logins a second a 16 MB semi-space is scavenged several times a second, and
 * every pause (3–10 ms, some 30) lands on each request in flight. A scavenge costs what survives it, not
 * the size of the space, so half as many scavenges means about half the pauses (bench/login.bench.ts: the
 * PostgreSQL p99 per login at 500/s). Costs at most 32 MB more memory per process.
 *
 * An operator's own `--max-semi-space-size` (on the command line or in NODE_OPTIONS) wins. A single
 * serving process (`--processes 1`) is not forked: give it the flag through NODE_OPTIONS.
 */
import { nodeOptions } from '../config.js';

export const SERVER_SEMI_SPACE_MB = 32;

export function serverExecArgv(execArgv: readonly string[] = process.execArgv, options = nodeOptions()): string[] {
  const given = [...execArgv, ...options.split(/\s+/)].some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag));
  return given ? [...execArgv] : [...execArgv, `--max-semi-space-size=${SERVER_SEMI_SPACE_MB}`];
}
