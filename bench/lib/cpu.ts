/**
 * Where a phase's CPU went, read from Linux's /proc: the whole machine's busy time (all cores), and one
 * process's own. Elsewhere (no /proc) the readings are undefined and the benchmark reports none.
 */
import { readFileSync } from 'node:fs';

/** Linux counts in clock ticks of 1/100 s on every architecture Node runs on. */
const TICK_S = 0.01;

function readTicks(path: string, parse: (text: string) => number): number | undefined {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Busy seconds of all cores since boot (everything but idle and I/O wait). */
export function machineBusySeconds(): number | undefined {
  return readTicks('/proc/stat', (text) => {
    const [user, nice, system, , , irq, softirq, steal] = text.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_S;
  });
}

/** User and system seconds a process has used (its own threads). */
export function processCpuSeconds(pid: number): number | undefined {
  return readTicks(`/proc/${pid}/stat`, (text) => {
    // The command name may hold spaces: the fields after its closing parenthesis are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_S;
  });
}

export interface CpuSplit {
  /** Cores the machine kept busy on average over the phase. */
  machineCores: number | undefined;
  /** CPU seconds per 1,000 messages, by process. */
  perThousand: Record<string, number | undefined>;
}

/** Starts measuring; `end(messages)` gives the split of the phase since. */
export function measureCpu(processes: Record<string, number>) {
  const startedAt = performance.now();
  const machine = machineBusySeconds();
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  return {
    end(messages: number): CpuSplit {
      const wall = (performance.now() - startedAt) / 1000;
      const busy = machineBusySeconds();
      const perThousand: Record<string, number | undefined> = {};
      for (const [name, pid] of Object.entries(processes)) {
        const [a, b] = [before[name], processCpuSeconds(pid)];
        perThousand[name] = a === undefined || b === undefined ? undefined : ((b - a) / messages) * 1000;
      }
      if (machine !== undefined && busy !== undefined) perThousand.machine = ((busy - machine) / messages) * 1000;
      return {
        machineCores: machine === undefined || busy === undefined ? undefined : (busy - machine) / wall,
        perThousand,
      };
    },
  };
}
