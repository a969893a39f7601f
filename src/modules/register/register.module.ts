/** Wires the register import: its repositories and the service the CLI and the upload routes use. */
import type { Db } from '../../db/connection.js';
import type { Clock } from '../../lib/clock.js';
import { registerRunRepository } from './register-run.repository.js';
import { registerService } from './register.service.js';

export interface RegisterModuleDeps {
  db: Db;
  clock: Clock;
  secret: string;
}

export function createRegister(deps: RegisterModuleDeps) {
  return registerService({ db: deps.db, clock: deps.clock, secret: deps.secret, runs: registerRunRepository(deps.db.kysely) });
}
