/**
 * No text Aviso stores or sends may hold a NUL character: PostgreSQL refuses it in every text value (a
 * 5xx if it got that far), SQLite would store it and cut the text short in C code. A request carrying one
 * — in its path, query or JSON body — is refused before validation, naming the field.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';

/** The path (`a.b.0`) of the first string holding a NUL character, or undefined. */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = findNul(inner, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function installNulByteGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const field = findNul(value, '');
      if (field !== undefined) throw new ValidationError(field || part, 'nul-character');
    }
  });
}
