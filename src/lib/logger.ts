/**
 * pino with personal data redacted: phone numbers, emails, PINs, tokens and cookies never reach a log.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.phone',
  '*.email',
  '*.pin',
  '*.token',
  '*.password',
  '*.to',
  '*.mobile',
  '*.landline',
  // PostgreSQL errors quote the offending values: `detail` (Key (value)=(+358…) already exists) and
  // `where` (unnamed portal parameter $3 = '…').
  'err.detail',
  'err.where',
];

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Query strings can hold phone numbers or emails (e.g. a resident search); log the path only.
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
