/**
 * The only reader of process.env. One schema → a typed, frozen Config.
 * Every variable carries the AVISO_ prefix; a `.env` file in the working directory is read too.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { canParseChannelUrl, channelScheme } from './lib/channel-url.js';

const channelUrl = (schemes: readonly string[]) =>
  z.string().refine(
    (value) =>
      value.split(',').every((part) => {
        const trimmed = part.trim();
        if (trimmed === 'inbox') return true;
        return schemes.includes(channelScheme(trimmed)) && canParseChannelUrl(trimmed);
      }),
    { message: `expected "inbox" or a URL with one of: ${schemes.join(', ')} (comma-separated for failover)` },
  );

const BIND_ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const TOKEN = /^[A-Za-z0-9._~+/=-]{24,}$/;
/** Whom to trust for X-Forwarded-*: nobody, a hop count, or proxy addresses / CIDRs (what Fastify's `trustProxy` takes). */
export type TrustProxy = false | number | readonly string[];

/** proxy-addr's names for address ranges, allowed beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return n >= 1 && n <= (version === 4 ? 32 : 128);
}

/** AVISO_TRUST_PROXY → what to trust, or the reason it is refused. Trusting every address (`true`, /0) is refused. */
export function parseTrustProxy(value: string): TrustProxy | string {
  const text = value.trim();
  if (text === 'false' || text === '' || text === '0') return false;
  if (text === 'true')
    return "trusting every address would let any client forge its address: give the hop count (1 for one proxy in front) or the proxies' addresses/CIDRs (e.g. 10.0.0.0/8)";
  if (/^\d+$/.test(text)) return Number(text) <= 10 ? Number(text) : 'a hop count from 1 to 10';
  const entries = text.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !isAddressOrCidr(e));
  if (bad !== undefined)
    return `"${bad}" is not an address or CIDR (expected false, a hop count, or addresses/CIDRs such as 10.0.0.0/8,192.0.2.7)`;
  return Object.freeze(entries);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A file that begins as a PMTiles v3 archive does ("PMTiles", version 3). */
function isPmtiles(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    return head.subarray(0, 7).toString('latin1') === 'PMTiles' && head[7] === 3;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const schema = z.object({
  AVISO_DATABASE_URL: z
    .string()
    .default('sqlite:./data/aviso.db')
    .refine((v) => v.startsWith('sqlite:') || v.startsWith('postgres://') || v.startsWith('postgresql://'), {
      message: 'expected sqlite:PATH or postgres://…',
    }),
  AVISO_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  AVISO_HOST: z.string().default('0.0.0.0'),
  AVISO_PUBLIC_URL: z.url().optional(),
  AVISO_SMS: channelUrl(['smpp', '46elks', 'gatewayapi', 'twilio']).default('inbox'),
  AVISO_EMAIL: channelUrl(['smtp', 'smtps']).default('inbox'),
  AVISO_VOICE: channelUrl(['46elks', 'twilio', 'voice']).default('inbox'),
  AVISO_PUSH: channelUrl(['webpush']).default('inbox'),
  AVISO_CAPTCHA: z.enum(['altcha', 'off']).default('altcha'),
  AVISO_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AVISO_SECRET_FILE: z.string().default('./data/secret'),
  AVISO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AVISO_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      return parsed;
    }),
  AVISO_PIN_BUDGET: z
    .string()
    .regex(/^\d{1,9}\/h,\d{1,9}\/d$/, 'expected PINs per hour and per day across all tenants, e.g. 1000/h,5000/d')
    .default('1000/h,5000/d'),
  AVISO_DEV_INBOX: z.enum(['true', 'false']).optional(),
  AVISO_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  AVISO_WORKER_ID: z
    .string()
    .regex(/^[\w.:@-]{1,100}$/, 'expected letters, digits and . : @ - _ only (at most 100)')
    .optional(),
  AVISO_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  AVISO_BASEMAP: z
    .string()
    .optional()
    .refine((v) => v === undefined || isPmtiles(v) || isDirectory(v), {
      message:
        'expected the path of a readable PMTiles (v3) archive, or of a directory of them ({tenant}.pmtiles, default.pmtiles)',
    }),
  AVISO_DKIM_DOMAIN: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
      'expected a domain name, e.g. example.fi',
    )
    .optional(),
  AVISO_DKIM_SELECTOR: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9._-]{0,62})$/i, 'expected a DNS label such as aviso2026')
    .optional(),
  AVISO_DKIM_KEY_FILE: z.string().optional(),
  AVISO_METRICS: z
    .string()
    .default('off')
    .refine((v) => v === 'off' || BIND_ADDRESS.test(v) || TOKEN.test(v), {
      message:
        '"off", a bind address HOST:PORT (e.g. 127.0.0.1:9464) or a bearer token of 24+ characters [A-Za-z0-9._~+/=-]',
    }),
});

/**
 * Where GET /metrics is served: nowhere (default), on its own listener (a bind address, typically loopback
 * or an internal interface, and never on the public port), or on the public port to a bearer token.
 */
export type MetricsSetting =
  { mode: 'off' } | { mode: 'listen'; host: string; port: number } | { mode: 'token'; token: string };

/** AVISO_METRICS's value as a setting (also `aviso worker --metrics`); ConfigError when it is none of the forms. */
/** A worker id as AVISO_WORKER_ID takes it (`aviso worker --id`), checked by the same rule. */
export function parseWorkerId(value: string, name = 'AVISO_WORKER_ID'): string {
  const checked = schema.shape.AVISO_WORKER_ID.safeParse(value);
  if (!checked.success) throw new ConfigError(`${name}: ${checked.error.issues[0]!.message}`);
  return value;
}

export function parseMetrics(value: string, name = 'AVISO_METRICS'): MetricsSetting {
  const checked = schema.shape.AVISO_METRICS.safeParse(value);
  if (!checked.success) throw new ConfigError(`${name}: ${checked.error.issues[0]!.message}`);
  if (value === 'off') return { mode: 'off' };
  const bind = BIND_ADDRESS.exec(value);
  if (bind) return { mode: 'listen', host: bind[1]!.replace(/^\[|\]$/g, ''), port: Number(bind[2]) };
  return { mode: 'token', token: value };
}

export type Config = Readonly<{
  databaseUrl: string;
  port: number;
  host: string;
  publicUrl: string | undefined;
  sms: string;
  email: string;
  voice: string;
  /** `inbox` or `webpush://?subject=…`: browsers' notifications (VAPID keys in the database). */
  push: string;
  captcha: 'altcha' | 'off';
  secret: string;
  logLevel: z.infer<typeof schema>['AVISO_LOG_LEVEL'];
  /**
   * Which proxies' X-Forwarded-For / -Proto / -Host to believe: none (false), the last N hops, or the
   * proxies' addresses and CIDRs. The client address is the right-most hop not trusted.
   */
  trustProxy: TrustProxy;
  /** PINs by SMS or voice across all tenants, per hour and per day. */
  pinBudget: Readonly<{ perHour: number; perDay: number }>;
  /**
   * The dev inbox's pages (`/dev/inbox`, `/api/dev/inbox`): they show every message, PINs included, to
   * anyone. Undefined = not set (off; `aviso serve --demo-if-empty` turns it on when every channel is `inbox`).
   */
  devInbox: boolean | undefined;
  workers: number;
  /** `aviso worker`'s stable id (AVISO_WORKER_ID; `--id` wins): restarted with it, it takes its batches back at once. */
  workerId: string | undefined;
  /** HTTP server processes sharing the port (`aviso serve`); each is stateless, the database holds the state. */
  processes: number;
  metrics: MetricsSetting;
  /** A PMTiles archive (vector tiles) the maps draw under their layers, or a directory of them per tenant; none when unset. */
  basemap: string | undefined;
  /** Signs every email with DKIM (AVISO_DKIM_DOMAIN, _SELECTOR, _KEY_FILE); unsigned when unset. */
  dkim: DkimSetting | undefined;
}>;

/** A DKIM signing key: `selector._domainkey.domain` publishes its public half. */
export type DkimSetting = Readonly<{ domain: string; selector: string; privateKey: string }>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `.env` (if present) under the real environment; the real environment wins. */
function readEnvironment(env: NodeJS.ProcessEnv, envFile: string): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (key.startsWith('AVISO_')) merged[key] = value;
  return merged;
}

/** The secret signs sessions and keys the PIN hashes; generated once and kept beside the database. */
function resolveSecret(explicit: string | undefined, file: string): string {
  if (explicit) return explicit;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The DKIM setting: all three variables or none; the key file must hold a private key (PEM). */
function readDkim(
  domain: string | undefined,
  selector: string | undefined,
  keyFile: string | undefined,
): DkimSetting | undefined {
  const given = { AVISO_DKIM_DOMAIN: domain, AVISO_DKIM_SELECTOR: selector, AVISO_DKIM_KEY_FILE: keyFile };
  const missing = Object.entries(given)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length === 3) return undefined;
  if (missing.length > 0)
    throw new ConfigError(
      `${missing[0]}: DKIM signing needs AVISO_DKIM_DOMAIN, AVISO_DKIM_SELECTOR and AVISO_DKIM_KEY_FILE together; ${missing.join(' and ')} unset`,
    );
  let privateKey: string;
  try {
    privateKey = readFileSync(keyFile!, 'utf8');
  } catch (error) {
    throw new ConfigError(`AVISO_DKIM_KEY_FILE: cannot read ${keyFile}: ${(error as Error).message}`);
  }
  try {
    // nodemailer signs rsa-sha256 only (RFC 6376; Ed25519 of RFC 8463 it does not write).
    const key = createPrivateKey(privateKey);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`its type is ${key.asymmetricKeyType}`);
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 1024)
      throw new Error('shorter than 1024 bits, which verifiers refuse');
  } catch (error) {
    throw new ConfigError(
      `AVISO_DKIM_KEY_FILE: ${keyFile} is not an RSA private key in PEM (${(error as Error).message}); make one with: openssl genrsa -out dkim.pem 2048`,
    );
  }
  return Object.freeze({ domain: domain!.toLowerCase(), selector: selector!, privateKey });
}

function parsePinBudget(value: string): Config['pinBudget'] {
  const [perHour, perDay] = value.split(',').map((part) => Number.parseInt(part, 10));
  return Object.freeze({ perHour: perHour!, perDay: perDay! });
}

export interface LoadOptions {
  /** Write a new secret file when there is no secret (default); `aviso doctor` only looks, and gets '' then. */
  generateSecret?: boolean;
}

/** Where the secret comes from: the environment, its file, or nowhere yet (the first start writes the file). */
export function secretSource(
  env: NodeJS.ProcessEnv = process.env,
  envFile = '.env',
): { from: 'environment' | 'file' | 'missing'; file: string } {
  const merged = readEnvironment(env, envFile);
  const file = merged.AVISO_SECRET_FILE ?? './data/secret';
  if (merged.AVISO_SECRET) return { from: 'environment', file };
  return { from: existsSync(file) ? 'file' : 'missing', file };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env', options: LoadOptions = {}): Config {
  const parsed = schema.safeParse(readEnvironment(env, envFile));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(`${variable}: ${issue.message}`);
  }
  const v = parsed.data;
  const real = realChannels({ sms: v.AVISO_SMS, email: v.AVISO_EMAIL, voice: v.AVISO_VOICE, push: v.AVISO_PUSH });
  if (v.AVISO_DEV_INBOX === 'true' && real.length > 0) {
    throw new ConfigError(
      `AVISO_DEV_INBOX: the dev inbox shows every message (PINs too) to anyone; it cannot be on beside a real channel (${real.join(', ')}): set AVISO_DEV_INBOX=false`,
    );
  }
  return Object.freeze({
    databaseUrl: v.AVISO_DATABASE_URL,
    port: v.AVISO_PORT,
    host: v.AVISO_HOST,
    publicUrl: v.AVISO_PUBLIC_URL,
    sms: v.AVISO_SMS,
    email: v.AVISO_EMAIL,
    voice: v.AVISO_VOICE,
    push: v.AVISO_PUSH,
    captcha: v.AVISO_CAPTCHA,
    secret:
      options.generateSecret === false && !v.AVISO_SECRET && !existsSync(v.AVISO_SECRET_FILE)
        ? ''
        : resolveSecret(v.AVISO_SECRET, v.AVISO_SECRET_FILE),
    logLevel: v.AVISO_LOG_LEVEL,
    trustProxy: v.AVISO_TRUST_PROXY as TrustProxy,
    pinBudget: parsePinBudget(v.AVISO_PIN_BUDGET),
    devInbox: v.AVISO_DEV_INBOX === undefined ? undefined : v.AVISO_DEV_INBOX === 'true',
    workers: v.AVISO_WORKERS,
    workerId: v.AVISO_WORKER_ID,
    processes: v.AVISO_PROCESSES,
    metrics: parseMetrics(v.AVISO_METRICS),
    basemap: v.AVISO_BASEMAP,
    dkim: readDkim(v.AVISO_DKIM_DOMAIN, v.AVISO_DKIM_SELECTOR, v.AVISO_DKIM_KEY_FILE),
  });
}

const CHANNEL_VARIABLES = {
  sms: 'AVISO_SMS',
  email: 'AVISO_EMAIL',
  voice: 'AVISO_VOICE',
  push: 'AVISO_PUSH',
} as const;
type ChannelSettings = Pick<Config, 'sms' | 'email' | 'voice' | 'push'>;
const providersOf = (spec: string) => spec.split(',').map((s) => s.trim());
/** A channel is real when any provider of its failover list is not the dev inbox (`smpp://…,inbox` sends real messages). */
const isReal = (spec: string) => providersOf(spec).some((p) => p !== 'inbox');
const hasInbox = (spec: string) => providersOf(spec).includes('inbox');

/** The variables of the channels set to a real provider (not only the dev inbox). */
export const realChannels = (config: ChannelSettings): string[] =>
  (Object.keys(CHANNEL_VARIABLES) as Array<keyof ChannelSettings>)
    .filter((c) => isReal(config[c]))
    .map((c) => CHANNEL_VARIABLES[c]);

/** Whether the dev inbox's pages are served: asked for, and no channel is real (else they would show real residents' PINs). */
export const devInboxServed = (config: ChannelSettings & Pick<Config, 'devInbox'>): boolean =>
  config.devInbox === true && realChannels(config).length === 0;

/**
 * What to tell at start-up about the channels: a channel left at `inbox` beside a real one, or a real
 * one failing over to `inbox`, keeps those messages (PINs too) in the database and sends nothing. Push left
 * at `inbox` beside a real channel is not told: the portal then offers no browser notifications at all
 * (`pushOffered`), so nothing is kept back.
 */
export function channelWarnings(config: ChannelSettings): string[] {
  const real = realChannels(config);
  if (real.length === 0) return [];
  return (Object.keys(CHANNEL_VARIABLES) as Array<keyof ChannelSettings>)
    .filter((c) => hasInbox(config[c]) && (c !== 'push' || isReal(config[c])))
    .map((c) => {
      const variable = CHANNEL_VARIABLES[c];
      return isReal(config[c])
        ? `${variable} fails over to "inbox": messages (PINs too) that reach it are kept in the database, not sent; remove "inbox" from ${variable}`
        : `${variable} is "inbox" beside a real ${real.join(', ')}: its messages (PINs too) are kept in the database, not sent; set ${variable} to a real provider`;
    });
}

/**
 * Whether residents may ask for browser notifications: push goes to a push service (`webpush://`), or,
 * on a developer's machine, to the dev inbox whose pages are served.
 */
export const pushOffered = (config: ChannelSettings & Pick<Config, 'devInbox'>): boolean =>
  isReal(config.push) || devInboxServed(config);

/**
 * Email is a real channel but AVISO_PUBLIC_URL is unset: notices go out without List-Unsubscribe (its link
 * is made from the public URL, never from a request). What is wrong and what to set; none otherwise.
 */
export function missingPublicUrl(
  config: Pick<Config, 'email' | 'publicUrl'>,
): { detail: string; fix: string } | undefined {
  if (config.publicUrl || !isReal(config.email)) return undefined;
  return {
    detail:
      'AVISO_PUBLIC_URL is not set: notice emails go out without List-Unsubscribe (no one-click unsubscribe, which large mailbox providers require of bulk mail)',
    fix: 'set AVISO_PUBLIC_URL to the https address residents use (e.g. https://aviso.example.fi); unsubscribe, feed and webhook links come from it',
  };
}

/** Node's own NODE_OPTIONS (not an Aviso setting): forked server processes start with these before their flags. */
export const nodeOptions = (env: NodeJS.ProcessEnv = process.env): string => env.NODE_OPTIONS ?? '';

/** The environment a helper program (pg_dump, pg_restore) runs with: this process's (PATH, PG* variables), plus `extra`. */
export const childEnvironment = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ...extra,
});
