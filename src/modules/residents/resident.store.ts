/**
 * The residents' repositories together, plus a transaction that hands out the same repositories bound to
 * it: a change of several rows (a new main address demotes the old one) commits whole or not at all.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../../db/engines/engine.js';
import type { Database } from '../../db/schema.js';
import { placeRepository } from './place.repository.js';
import { contactDetailsRepository } from './contact-details.repository.js';
import { contactRepository } from './contact.repository.js';

function repositories(db: Kysely<Database>) {
  return { contacts: contactRepository(db), places: placeRepository(db) };
}

export type ResidentRepositories = ReturnType<typeof repositories>;

export function residentStore(db: Kysely<Database>, engine: Pick<Engine, 'jsonArrayFrom'>) {
  return {
    ...repositories(db),
    /** A contact with its endpoints and addresses, one statement (reads only: not part of transactions). */
    details: contactDetailsRepository(db, engine),
    transaction<T>(work: (repos: ResidentRepositories) => Promise<T>): Promise<T> {
      return db.transaction().execute((trx) => work(repositories(trx)));
    },
  };
}

export type ResidentStore = ReturnType<typeof residentStore>;
