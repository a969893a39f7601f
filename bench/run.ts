/**
 * `npm run bench -- NAME [ARGS…]` runs `bench/NAME.bench.ts`: its `run(args)` measures, this prints
 * the table and the checks against the targets, and writes everything to `bench/out/NAME.json`.
 * Exits 1 when a target was missed, so a script can tell.
 *
 * `npm run bench` compiles the benchmarks and the sources with tsc first and runs the JavaScript, as
 * `aviso` itself runs (bin/aviso.js, dist/): code run through tsx is not the code measured, as its
 * transform wraps every named closure in a call that sets its name (5 % of the dispatcher's thread in
 * the SMPP benchmark). Run from the sources (`npx tsx bench/run.ts NAME`), it measures those instead.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/lib/package-root.js';
import { MODULE_EXTENSION } from './lib/compiled.js';
import { renderChecks, renderTable, type BenchModule } from './lib/report.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
/** The repository's bench/, where the figures go, whether this runs from bench/ or from dist/bench/. */
const outDir = join(packageRoot(benchDir), 'bench', 'out');

function available(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith(`.bench${MODULE_EXTENSION}`))
    .map((f) => f.slice(0, -`.bench${MODULE_EXTENSION}`.length))
    .sort();
}

async function usage(): Promise<void> {
  console.log('usage: npm run bench -- NAME [ARGS…]\n');
  for (const name of available()) {
    const module = (await import(`./${name}.bench${MODULE_EXTENSION}`)) as BenchModule;
    console.log(`  ${name.padEnd(12)} ${module.description}`);
  }
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') return usage();
  if (!available().includes(name)) {
    console.error(`no benchmark "${name}" (have: ${available().join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const module = (await import(`./${name}.bench${MODULE_EXTENSION}`)) as BenchModule;
  const startedAt = new Date();
  const result = await module.run(args);
  const seconds = (Date.now() - startedAt.getTime()) / 1000;

  console.log(`\n${name}: ${module.description}\n`);
  console.log(renderTable(result.rows));
  console.log(`\n${renderChecks(result.checks)}\n`);

  const out = join(outDir, `${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const command = ['npm run bench --', name, ...args].join(' ');
  writeFileSync(out, JSON.stringify({ name, command, startedAt, seconds, machine, ...result }, null, 2) + '\n');
  console.log(`figures written to ${out}`);
  if (result.checks.some((c) => !c.ok)) process.exitCode = 1;
}

await main();
