/**
 * The instance's VAPID key pair (RFC 8292) for web push: made by the first process that asks and kept
 * in the database, so that every `aviso serve` and `aviso worker` process signs with the same pair. Two
 * processes asking at once each make a pair and insert it if none is there; both then read the one that
 * was kept. Browsers subscribe with the public key; push services refuse pushes signed by any other.
 */
import type { Kysely } from 'kysely';
import webpush from 'web-push';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url: the `applicationServerKey` browsers subscribe with. */
  publicKey: string;
  privateKey: string;
}

const ROW_ID = 'vapid';

/** A repository that only reads (a check) found no pair: it is made when a process first needs one. */
export class NoVapidKeysYet extends Error {
  override name = 'NoVapidKeysYet';
  constructor() {
    super('no VAPID key pair yet (made when the first browser subscribes)');
  }
}

/** `make: false` only reads the pair, for a check that must change nothing. */
export function vapidKeyRepository(db: Kysely<Database>, clock: Clock, { make = true } = {}) {
  let kept: Promise<VapidKeys> | undefined;

  async function readOrMake(): Promise<VapidKeys> {
    const read = () =>
      db.selectFrom('push_keys').select(['public_key', 'private_key']).where('id', '=', ROW_ID).executeTakeFirst();
    let row = await read();
    if (!row && !make) throw new NoVapidKeysYet();
    if (!row) {
      const made = webpush.generateVAPIDKeys();
      await db
        .insertInto('push_keys')
        .values({ id: ROW_ID, public_key: made.publicKey, private_key: made.privateKey, created_at: clock.now() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      row = await read();
    }
    if (!row) throw new Error('the VAPID keys were neither found nor kept');
    return { publicKey: row.public_key, privateKey: row.private_key };
  }

  return {
    /** The pair, made on first use; read once per process (it never changes). */
    keys(): Promise<VapidKeys> {
      kept ??= readOrMake().catch((error: unknown) => {
        // A database hiccup must not stick: the next call asks again.
        kept = undefined;
        throw error;
      });
      return kept;
    },
  };
}

export type VapidKeyRepository = ReturnType<typeof vapidKeyRepository>;
