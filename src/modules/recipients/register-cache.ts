/**
 * Each process's copies of tenants' register indexes, kept current with the register change log: before
 * every use the tenant's revision is read (one small query when nothing changed), then the changes since
 * the copy's revision; changed contacts are read again and patched in; a bulk change, a gap in the log
 * (pruned) or too many patches build a new index. Uses of one tenant's index are serialised, so a caller sees every change committed before it asked.
 * The least recently used tenants are dropped when the copies hold more addresses than the limit.
 */
import type { TenantId } from '../../kernel/tenant-id.js';
import type { ChangeLogRepository } from '../register/change-log.repository.js';
import type { RegisterIndex } from './register-index.js';
import type { RegisterIndexRepository } from './register-index.repository.js';

/** Changes read per refresh: more than this many is a rebuild anyway. */
const MAX_CHANGES = 5000;
/** Patched contacts an index carries before it is rebuilt (patches are slower to read than columns). */
const MAX_PATCHES = 20_000;

export interface RegisterCacheOptions {
  /** Addresses held over all tenants before the least recently used are dropped. */
  maxAddresses?: number;
}

interface Entry {
  index: RegisterIndex | undefined;
  /** The last refresh asked for: the next one starts after it. */
  queue: Promise<unknown>;
  usedAt: number;
}

export function registerCache(
  repo: RegisterIndexRepository,
  changes: Pick<ChangeLogRepository, 'since' | 'revision'>,
  options: RegisterCacheOptions = {},
) {
  const maxAddresses = options.maxAddresses ?? 5_000_000;
  const entries = new Map<TenantId, Entry>();

  async function refresh(tenantId: TenantId, current: RegisterIndex | undefined): Promise<RegisterIndex> {
    if (!current) return repo.load(tenantId);
    const latest = await changes.revision(tenantId);
    if (latest === current.revision) return current;
    const pending = await changes.since(tenantId, current.revision, MAX_CHANGES);
    const bulk = pending.some((c) => c.contactId === null);
    // Every revision up to the latest, none missing (the log forgets changes older than a day).
    const complete =
      pending.length > 0 &&
      pending.length < MAX_CHANGES &&
      pending.every((c, i) => c.revision === current.revision + 1 + i) &&
      pending.at(-1)!.revision >= latest;
    if (bulk || !complete || current.patchCount + pending.length > MAX_PATCHES) return repo.load(tenantId);
    current.patch(await repo.contactStates(tenantId, [...new Set(pending.map((c) => c.contactId!))]));
    current.revision = pending.at(-1)!.revision;
    return current;
  }

  function evict(keep: TenantId): void {
    let held = [...entries.values()].reduce((sum, e) => sum + (e.index?.addressCount ?? 0), 0);
    const oldestFirst = [...entries].filter(([id]) => id !== keep).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [id, entry] of oldestFirst) {
      if (held <= maxAddresses) break;
      held -= entry.index?.addressCount ?? 0;
      entries.delete(id);
    }
  }

  return {
    /** The tenant's index, current as of this call. */
    get(tenantId: TenantId): Promise<RegisterIndex> {
      let entry = entries.get(tenantId);
      if (!entry) entries.set(tenantId, (entry = { index: undefined, queue: Promise.resolve(), usedAt: 0 }));
      const current = entry;
      current.usedAt = Date.now();
      const next = current.queue.then(() => refresh(tenantId, current.index));
      current.queue = next.then(
        (index) => {
          current.index = index;
          evict(tenantId);
        },
        () => undefined,
      );
      return next;
    },

    /** The revision each tenant's index in this process holds (tenants without a built index are absent). */
    revisions(): Map<TenantId, number> {
      return new Map([...entries].flatMap(([id, e]) => (e.index ? [[id, e.index.revision] as const] : [])));
    },

    /** Builds the indexes of these tenants ahead of their first use, one after the other. */
    async warm(tenantIds: readonly TenantId[]): Promise<void> {
      for (const id of tenantIds) await this.get(id);
    },
  };
}

export type RegisterCache = ReturnType<typeof registerCache>;
