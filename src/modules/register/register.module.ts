/** Wires the register import: its repositories, its job queue and the service the CLI and the upload routes use. */
import type { Db } from '../../db/connection.js';
import { createJobQueue } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import { tenantRepository } from '../tenants/tenant.repository.js';
import { registerRunRepository } from './register-run.repository.js';
import { registerService } from './register.service.js';

export interface RegisterModuleDeps {
  db: Db;
  clock: Clock;
  secret: string;
}

export interface RegisterModuleOptions {
  /**
   * How long an import job is its worker's before it is presumed dead and its run marked failed: longer
   * than any import takes (a million rows take about a minute). Default an hour.
   */
  leaseMs?: number;
  /** pg-boss: how often it looks for expired jobs (default 30 s). */
  maintenanceSeconds?: number;
}

export function createRegister(deps: RegisterModuleDeps, options: RegisterModuleOptions = {}) {
  // A queue of its own: its lease is the import's, not a dispatch batch's. Two tries: the second finds the
  // run of a dead worker and marks it failed.
  const queue = createJobQueue(deps.db, {
    clock: deps.clock,
    leaseMs: options.leaseMs ?? 3_600_000,
    maxAttempts: 2,
    ...(options.maintenanceSeconds ? { maintenanceSeconds: options.maintenanceSeconds } : {}),
  });
  const tenants = tenantRepository(deps.db.kysely);
  return registerService({
    db: deps.db,
    clock: deps.clock,
    secret: deps.secret,
    runs: registerRunRepository(deps.db.kysely),
    queue,
    findTenant: (id) => tenants.findById(id),
  });
}
