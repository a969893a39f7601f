/**
 * CPU accounting for the login benchmark (Linux /proc): how busy the whole machine was, and how much CPU
 * the PostgreSQL server processes used — the part of a login's cost that neither Node process sees.
 * Given the benchmark's own backends (by application_name), only theirs count: other work on the same
 * PostgreSQL (another benchmark) then does not land on the login's bill.
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_SECOND = 100;

/** The application_name of the login server's PostgreSQL connections (set through PGAPPNAME). */
export const LOGIN_SERVER_APPLICATION = 'aviso-bench-login';

/** Busy and total jiffies of all CPUs since boot. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The pids of the PostgreSQL backends serving connections named `applicationName`. */
export async function postgresBackends(url: string, applicationName: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** CPU milliseconds used so far by each of the given PostgreSQL processes (or of every process named `postgres`). */
function postgresMsByPid(pids: readonly number[] | undefined): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids ??
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, ((Number(after[11]) + Number(after[12])) / TICKS_PER_SECOND) * 1000);
    } catch {
      // The process ended while we looked.
    }
  }
  return used;
}

export interface CpuWindow {
  /** Share of all the machine's CPU time that was busy (any process), 0–1. */
  machineBusy: number;
  /** CPU milliseconds the PostgreSQL server (or the given backends) used in the window. */
  postgresMs: number;
}

/**
 * Starts a window; its end gives the machine's busy share and PostgreSQL's CPU in between. `backends`
 * (when given) lists the backends to count, asked at the start and at the end: a backend the pool opened
 * during the window counts from zero (its whole life is inside), one it closed loses what it used since
 * the start (rare: the pools keep idle connections a minute).
 */
export async function startCpuWindow(backends?: () => Promise<number[]>): Promise<() => Promise<CpuWindow>> {
  const machine = machineTicks();
  const before = postgresMsByPid(backends ? await backends() : undefined);
  return async () => {
    const now = machineTicks();
    const after = postgresMsByPid(backends ? [...new Set([...before.keys(), ...(await backends())])] : undefined);
    let postgres = 0;
    for (const [pid, ms] of after) postgres += ms - (before.get(pid) ?? 0);
    return { machineBusy: (now.busy - machine.busy) / Math.max(1, now.total - machine.total), postgresMs: postgres };
  };
}
