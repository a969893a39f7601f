/**
 * CPU accounting for the login benchmark (Linux /proc): how busy the whole machine was, and how much CPU
 * the PostgreSQL server processes used — the part of a login's cost that neither Node process sees.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** Busy and total jiffies of all CPUs since boot. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU milliseconds used so far by every process named `postgres`. */
function postgresMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(after[11]) + Number(after[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return (ticks / TICKS_PER_SECOND) * 1000;
}

export interface CpuWindow {
  /** Share of all the machine's CPU time that was busy (any process), 0–1. */
  machineBusy: number;
  /** CPU milliseconds the PostgreSQL server used in the window. */
  postgresMs: number;
}

export function startCpuWindow(): () => CpuWindow {
  const machine = machineTicks();
  const postgres = postgresMs();
  return () => {
    const now = machineTicks();
    return { machineBusy: (now.busy - machine.busy) / Math.max(1, now.total - machine.total), postgresMs: postgresMs() - postgres };
  };
}
