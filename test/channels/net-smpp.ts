/**
 * Runs the Net::SMPP SMSC (peers/net-smpp-smsc.pl, Debian's libnet-smpp-perl) as a child process and
 * collects what it saw, so that tests check Aviso's SMPP client against an implementation it did not write.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./peers/net-smpp-smsc.pl', import.meta.url));

export interface PeerEvent {
  event: string;
  conn?: number;
  [field: string]: unknown;
}

export interface NetSmppSmsc {
  port: number;
  events: PeerEvent[];
  of(event: string): PeerEvent[];
  /** Writes a command line to the SMSC (`enquire`, `unknown`, `stall`, `silent`, `normal`). */
  command(line: string): void;
  /** Sessions bound now. */
  bound(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Fails with one line saying what to install when Net::SMPP is missing. */
export function requireNetSmpp(): void {
  const probe = spawnSync('perl', ['-MNet::SMPP', '-e', '1']);
  if (probe.status !== 0) throw new Error('Net::SMPP is missing: apt-get install -y libnet-smpp-perl');
}

export async function startNetSmppSmsc(
  options: { mode?: 'normal' | 'stall' | 'silent' | 'mute'; port?: number } = {},
): Promise<NetSmppSmsc> {
  requireNetSmpp();
  const child: ChildProcess = spawn(
    'perl',
    [SCRIPT, '--mode', options.mode ?? 'normal', '--port', String(options.port ?? 0)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const events: PeerEvent[] = [];
  let bound = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the Net::SMPP SMSC exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as PeerEvent;
      events.push(event);
      if (event.event === 'bound') bound = Number(event.count);
      if (event.event === 'listen') resolve(Number(event.port));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    events,
    of: (name) => events.filter((e) => e.event === name),
    command: (line) => void child.stdin!.write(`${line}\n`),
    bound: () => bound,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Waits until `probe` holds (a state, not a time); the bound is generous for a loaded machine. */
export async function until(probe: () => boolean, timeout = 60_000): Promise<void> {
  await expect.poll(probe, { timeout, interval: 20 }).toBe(true);
}
