/** The key a register person is found by: what contacts.person_id holds for register contacts. */
import { keyedHash } from '../../lib/crypto.js';

/**
 * A keyed hash (HMAC-SHA256, 128 bits) of the register's person id (in Finland the personal identity
 * code): matching a re-import needs only equality, and the code itself is then never stored.
 */
export const personKey = (secret: string, personId: string): string =>
  keyedHash(secret, `person:${personId}`).slice(0, 32);
