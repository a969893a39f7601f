/**
 * Readiness: whether this process should get traffic. Each check names what it found; `ready` only when
 * all pass. A check that does not answer within a few seconds fails with that reason.
 */
import { CHANNELS, type ChannelName, type Channels } from '../../channels/channel.js';
import type { MigrationStatus } from '../../db/migrate.js';
import { within } from '../../lib/deadline.js';
import type { OpsRepository } from './ops.repository.js';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReadinessDeps {
  ops: OpsRepository;
  migrationStatus: () => Promise<MigrationStatus>;
  channels: Channels;
  /** The revision each tenant's register index in this process holds. */
  registerRevisions: () => ReadonlyMap<string, number>;
  /** Channels to check (default: every channel). */
  channelNames?: readonly ChannelName[];
}

const CHECK_TIMEOUT_MS = 5000;

async function run(name: string, check: () => Promise<Omit<ReadinessCheck, 'name'>>): Promise<ReadinessCheck> {
  try {
    return { name, ...(await within(CHECK_TIMEOUT_MS, check())) };
  } catch (error) {
    return { name, ok: false, detail: (error as Error).message };
  }
}

export function readinessService(deps: ReadinessDeps) {
  const channelNames = deps.channelNames ?? CHANNELS;

  const database = () => run('database', async () => (await deps.ops.ping(), { ok: true, detail: 'answers' }));

  const migrations = () =>
    run('migrations', async () => {
      const { pending, unknown } = await deps.migrationStatus();
      if (unknown.length) return { ok: false, detail: `migrated by a newer version: ${unknown.join(', ')}` };
      if (pending.length) return { ok: false, detail: `pending: ${pending.join(', ')} (run aviso migrate)` };
      return { ok: true, detail: 'current' };
    });

  // Tenants whose index this process has built once: one the cache later drops for room (least recently
  // used) is built again on its next use, which is no reason to take the process out of service.
  const builtOnce = new Set<string>();
  const registerIndexes = () =>
    run('register-indexes', async () => {
      for (const id of deps.registerRevisions().keys()) builtOnce.add(id);
      const missing = (await deps.ops.registerRevisions()).filter((t) => !builtOnce.has(t.id)).map((t) => t.slug);
      if (missing.length)
        return {
          ok: false,
          detail: `not built yet: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`,
        };
      return { ok: true, detail: `${builtOnce.size} built` };
    });

  const channel = (name: ChannelName) =>
    run(`channel:${name}`, async () => {
      const provider = deps.channels[name];
      return provider.health
        ? provider.health()
        : { ok: true, detail: `${provider.name}: not checked (no health check)` };
    });

  return {
    /** Resolves when the database answers (the liveness check). */
    alive: () => deps.ops.ping(),
    async check(): Promise<{ ready: boolean; checks: ReadinessCheck[] }> {
      const checks = await Promise.all([database(), migrations(), registerIndexes(), ...channelNames.map(channel)]);
      return { ready: checks.every((c) => c.ok), checks };
    },
  };
}

export type ReadinessService = ReturnType<typeof readinessService>;
