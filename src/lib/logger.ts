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

/**
 * pino-pretty's module when stdout is a terminal and it is installed (a development install; the
 * production image leaves it out): a person reads colours and local times, log collectors get JSON lines.
 */
function prettyTarget(): string | undefined {
  if (!process.stdout.isTTY) return undefined;
  try {
    return import.meta.resolve('pino-pretty');
  } catch {
    return undefined;
  }
}

/** `destination` defaults to stdout (pretty on a terminal); tests pass a stream to read what was logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Query strings can hold phone numbers or emails (e.g. a resident search); log the path only.
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        url: req.url.split('?')[0],
        id: req.id,
      }),
    },
  };
  if (destination) return pino(options, destination);
  const pretty = prettyTarget();
  return pretty
    ? pino({
        ...options,
        transport: { target: pretty, options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
      })
    : pino(options);
}
