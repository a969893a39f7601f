import { randomUUID } from 'node:crypto';

/** App-generated primary keys: identical on both databases and known before the INSERT. */
export const newId = (): string => randomUUID();
