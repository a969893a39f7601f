import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED_PATHS } from '../../src/lib/logger.js';

describe('logging', () => {
  it('never writes phone numbers, emails, PINs, tokens or cookies', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      {
        body: { phone: '+358401234567', email: 'a@b.fi', pin: '123456' },
        req: { headers: { authorization: 'Bearer abc', cookie: 'aviso_session=xyz' } },
      },
      'login',
    );
    const text = lines.join('');
    for (const secret of ['+358401234567', 'a@b.fi', '123456', 'Bearer abc', 'aviso_session=xyz'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
