/**
 * Benchmark parts that must not share an event loop or a heap with the load generator (the server
 * under load, an import whose peak memory we report) run in their own Node process, started here with
 * an IPC channel (and tsx when the benchmarks run from their sources). Messages are plain objects with a
 * `type`. `AVISO_BENCH_CHILD_FLAGS` adds Node flags to the children (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`, or `--trace-gc`), which NODE_OPTIONS does not all allow.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { nodeEntry } from './compiled.js';

export interface Message {
  type: string;
}

const INPUT_VARIABLE = 'AVISO_BENCH_CHILD_INPUT';

/**
 * Starts `file` (a .ts module) in a child process; `input` reaches it through `childInput()`. When the
 * benchmarks run compiled, the child is the compiled .js beside this module's, run without tsx.
 */
export function startChild(file: URL, input: unknown): ChildProcess {
  const { entry, execArgv } = nodeEntry(file);
  return fork(entry, [], {
    execArgv: [...execArgv, ...(process.env.AVISO_BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, [INPUT_VARIABLE]: JSON.stringify(input) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next message of `type` from the child; rejects when the child exits first. */
export function nextMessage<T extends Message>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (message.type !== type) return;
      cleanUp();
      resolve(message as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanUp();
      reject(new Error(`benchmark child exited (${signal ?? `code ${code}`}) before sending "${type}"`));
    };
    const cleanUp = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Sends a request and waits for the reply of `replyType`. */
export function ask<T extends Message>(child: ChildProcess, request: Message, replyType: T['type']): Promise<T> {
  const reply = nextMessage<T>(child, replyType);
  child.send(request);
  return reply;
}

/** Ends a child and waits until it is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

// ---- child side ----

/** What the parent passed to `startChild`. */
export function childInput<T>(): T {
  const raw = process.env[INPUT_VARIABLE];
  if (!raw) throw new Error('not started by startChild()');
  return JSON.parse(raw) as T;
}

/** Sends a message to the parent; resolves once it is written. */
export function sendToParent(message: Message): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) throw new Error('no IPC channel to the parent');
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

/** Peak resident set size of this process so far, in MB (the kernel's figure, not a sample). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
