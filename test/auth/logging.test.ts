/** A whole login and a few changes with the request log at its most verbose: no PIN, number, email or token in it. */
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createContext } from '../../src/context.js';
import { createLogger } from '../../src/lib/logger.js';
import { mutableClock, testConfig } from '../app.js';
import { freshDatabase } from '../databases.js';
import { buildTown, readPin, sessionCookieOf } from '../residents/resident-client.js';

it('keeps PINs, numbers, emails and session tokens out of the log', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  // The production logger (redaction, path-only request serializer) at its most verbose, written to memory.
  const logger = createLogger('trace', sink);
  const database = await freshDatabase('sqlite');
  const context = createContext(testConfig({ databaseUrl: database.url }), database.db, { clock: mutableClock() });
  const app = await buildApp(context, { logger });
  try {
    const tenant = await buildTown(context);
    const secrets = ['0401234567', '+358401234567', 'anna@example.fi', '358401234567'];
    await app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/login/pin?phone=0401234567`,
      payload: { phone: '040 123 4567' },
    });
    const pin = await readPin(app, '+358401234567');
    const wrong = await app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/login`,
      payload: { phone: '0401234567', pin: pin === '000000' ? '111111' : '000000' },
    });
    expect(wrong.statusCode).toBe(400);
    const login = await app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/login`,
      payload: { phone: '0401234567', pin },
    });
    const cookie = sessionCookieOf(login);
    const headers = { cookie, 'x-csrf-token': login.json().csrfToken };
    await app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/me`,
      headers,
      payload: { kind: 'person', firstName: 'Anna', lastName: 'Virtanen' },
    });
    await app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/me/endpoints`,
      headers,
      payload: { value: 'anna@example.fi' },
    });
    await app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/me/endpoints`,
      headers,
      payload: { value: 'nonsense 0401234567x' },
    });
    const text = lines.join('');
    expect(text).toContain('request completed');
    for (const secret of [...secrets, cookie.split('=')[1]!, login.json().csrfToken])
      expect(text, secret).not.toContain(secret);
    // Not as a number of its own (it could turn up inside a timestamp by chance).
    expect(text).not.toMatch(new RegExp(`(?<![\\d.])${pin}(?![\\d.])`));
  } finally {
    await app.close();
    await database.drop();
  }
});
