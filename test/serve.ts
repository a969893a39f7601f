/** Runs `aviso serve` from source in a child process on port 0, and finds out where it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface ServeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT once it listens. */
  url: string;
  /** Everything it wrote to stdout and stderr so far (its log lines, at `info` and above). */
  output(): string;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';

/** Starts `aviso serve` with this environment; resolves once it listens, or rejects with its output if it ends first. */
export async function startServe(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', ...args], {
    env: {
      ...process.env,
      AVISO_SECRET: TEST_SECRET,
      AVISO_CAPTCHA: 'off',
      AVISO_LOG_LEVEL: 'info',
      AVISO_PORT: '0',
      AVISO_HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', look);
    child.once('exit', (code, signal) =>
      reject(new Error(`aviso serve ended (${code ?? signal}) before listening:\n${output}`)),
    );
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Whether the process is still running. */
export const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;
