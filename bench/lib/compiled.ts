/**
 * Whether the benchmarks run compiled (`npm run bench`: dist/bench/…, as `aviso` runs) or from their sources
 * under tsx (`npx tsx bench/run.ts`), and how Node runs a module of the sources either way.
 */
import { fileURLToPath } from 'node:url';

export const COMPILED = import.meta.url.endsWith('.js');

/** The extension of the modules beside this one: `.js` compiled, `.ts` from the sources. */
export const MODULE_EXTENSION = COMPILED ? '.js' : '.ts';

/**
 * How Node starts `file` (a .ts module of the sources): compiled, the .js beside it in dist/, as is; from the
 * sources, under tsx (resolved here, so that a child finds it whatever its working directory).
 */
export function nodeEntry(file: URL): { entry: string; execArgv: string[] } {
  const path = fileURLToPath(file);
  return COMPILED
    ? { entry: path.replace(/\.ts$/, '.js'), execArgv: [] }
    : { entry: path, execArgv: ['--import', import.meta.resolve('tsx')] };
}
