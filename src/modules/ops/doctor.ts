/**
 * `aviso doctor`: checks an installation the way it will run — the configuration, the database and its
 * migrations, every channel (each provider's own health check: SMTP logs in, SMPP binds), the speech
 * tools, the secret, the clock — and says what to do about each problem. Findings, not exceptions:
 * every check runs even when an earlier one failed.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { buildChannels } from '../../channels/channels.js';
import { vapidKeyRepository } from '../../channels/push/vapid-keys.js';
import { CHANNELS, type ChannelName } from '../../channels/channel.js';
import { ConfigError, loadConfig, missingPublicUrl, secretSource, type Config } from '../../config.js';
import { openDatabase, type Db } from '../../db/connection.js';
import { engineFor } from '../../db/engines/index.js';
import { migrationStatus } from '../../db/migrate.js';
import { systemClock } from '../../lib/clock.js';
import { renderSpeech } from '../../channels/voice/speech.js';
import { within } from '../../lib/deadline.js';

export type Severity = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  severity: Severity;
  detail: string;
  /** What to do about a warning or a failure. */
  fix?: string;
}

const CHECK_TIMEOUT_MS = 10_000;
/** Clock difference to the database server that is worth a warning, and one that breaks PIN expiry and leases. */
const SKEW_WARN_MS = 2000;
const SKEW_FAIL_MS = 30_000;

function checkSecret(env: NodeJS.ProcessEnv | undefined, envFile: string | undefined): Finding {
  const source = secretSource(env, envFile);
  if (source.from === 'environment') return { check: 'secret', severity: 'ok', detail: 'AVISO_SECRET is set' };
  if (source.from === 'missing') {
    return {
      check: 'secret',
      severity: 'warn',
      detail: `no AVISO_SECRET and no ${source.file}`,
      fix: 'the first aviso serve writes one; back it up with the database (sessions and PIN hashes depend on it)',
    };
  }
  const mode = statSync(source.file).mode & 0o777;
  if (mode & 0o077)
    return {
      check: 'secret',
      severity: 'fail',
      detail: `${source.file} is readable by others (mode ${mode.toString(8)})`,
      fix: `chmod 600 ${source.file}`,
    };
  return { check: 'secret', severity: 'ok', detail: `${source.file} (mode ${mode.toString(8)})` };
}

async function checkDatabase(config: Config): Promise<{ findings: Finding[]; db: Db | undefined }> {
  const missing = engineFor(config.databaseUrl).missingDatabase(config.databaseUrl);
  if (missing)
    return {
      db: undefined,
      findings: [
        {
          check: 'database',
          severity: 'fail',
          detail: missing,
          fix: 'aviso migrate creates it (aviso serve does too)',
        },
      ],
    };
  const db = openDatabase(config.databaseUrl, { poolSize: 1 });
  try {
    await within(CHECK_TIMEOUT_MS, sql`select 1`.execute(db.kysely));
  } catch (error) {
    await db.close().catch(() => undefined);
    return {
      db: undefined,
      findings: [
        {
          check: 'database',
          severity: 'fail',
          detail: `${db.engine.name}: ${(error as Error).message}`,
          fix: 'check AVISO_DATABASE_URL, that the server runs and accepts this user',
        },
      ],
    };
  }
  const findings: Finding[] = [{ check: 'database', severity: 'ok', detail: `${db.engine.name} answers` }];
  const { pending, unknown } = await migrationStatus(db);
  if (unknown.length)
    findings.push({
      check: 'migrations',
      severity: 'fail',
      detail: `migrated by a newer Aviso: ${unknown.join(', ')}`,
      fix: 'run that version, or restore a backup taken before the upgrade',
    });
  else if (pending.length)
    findings.push({
      check: 'migrations',
      severity: 'fail',
      detail: `pending: ${pending.join(', ')}`,
      fix: 'aviso migrate (aviso migrate --dry-run lists them)',
    });
  else findings.push({ check: 'migrations', severity: 'ok', detail: 'current' });
  return { findings, db };
}

async function checkClock(db: Db | undefined): Promise<Finding> {
  const before = Date.now();
  const server = db && (await db.engine.serverClock(db.kysely));
  if (server === undefined) return checkNtp();
  const skew = Math.abs(server - (before + Date.now()) / 2);
  const detail = `${Math.round(skew)} ms from the database server's clock`;
  if (skew >= SKEW_FAIL_MS)
    return {
      check: 'clock',
      severity: 'fail',
      detail,
      fix: 'synchronise both machines with NTP (PIN expiry, leases and schedules compare times)',
    };
  if (skew >= SKEW_WARN_MS)
    return { check: 'clock', severity: 'warn', detail, fix: 'synchronise both machines with NTP' };
  return { check: 'clock', severity: 'ok', detail };
}

/** Without a database server to compare with, what systemd says about time synchronisation (when it is there). */
function checkNtp(): Promise<Finding> {
  return new Promise((resolve) =>
    execFile('timedatectl', ['show', '--property=NTPSynchronized', '--value'], { timeout: 5000 }, (error, stdout) => {
      if (error)
        resolve({
          check: 'clock',
          severity: 'ok',
          detail: 'no server clock to compare with, and no timedatectl here: make sure NTP runs',
        });
      else if (stdout.trim() === 'yes')
        resolve({ check: 'clock', severity: 'ok', detail: 'synchronised (timedatectl)' });
      else
        resolve({
          check: 'clock',
          severity: 'warn',
          detail: 'not synchronised (timedatectl)',
          fix: 'enable NTP: timedatectl set-ntp true',
        });
    }),
  );
}

/** What to do about a channel whose check failed. */
const channelFix = (name: ChannelName): string =>
  name === 'push'
    ? 'the stored VAPID pair is damaged: delete the row of push_keys for a new one (browsers then subscribe again)'
    : `check AVISO_${name.toUpperCase()} (host, port, user, password) and the provider's firewall`;

async function checkChannels(config: Config, db: Db): Promise<Finding[]> {
  // The push keys are read, not made: a check changes nothing.
  const channels = buildChannels(config, db, systemClock, {
    vapid: vapidKeyRepository(db.kysely, systemClock, { make: false }),
  });
  const settings: Record<ChannelName, string> = {
    sms: config.sms,
    email: config.email,
    voice: config.voice,
    push: config.push,
  };
  try {
    return await Promise.all(
      CHANNELS.map(async (name): Promise<Finding> => {
        const provider = channels[name];
        const check = `channel ${name}`;
        if (!provider.health)
          return {
            check,
            severity: 'warn',
            detail: `${settings[name]}: ${provider.name} has no health check`,
            fix: 'send a test message',
          };
        try {
          const health = await within(CHECK_TIMEOUT_MS, provider.health());
          return health.ok
            ? { check, severity: 'ok', detail: health.detail }
            : {
                check,
                severity: 'fail',
                detail: health.detail,
                fix: channelFix(name),
              };
        } catch (error) {
          return {
            check,
            severity: 'fail',
            detail: (error as Error).message,
            fix: `check AVISO_${name.toUpperCase()}`,
          };
        }
      }),
    );
  } finally {
    await Promise.all(Object.values(channels).map((p) => p.close?.().catch(() => undefined)));
  }
}

async function checkSpeech(): Promise<Finding> {
  try {
    for (const language of ['fi', 'sv', 'en']) {
      const wav = await within(CHECK_TIMEOUT_MS, renderSpeech('Aviso', language));
      if (wav.length < 100) throw new Error(`no audio for ${language}`);
    }
    return { check: 'speech', severity: 'ok', detail: 'espeak-ng and sox render fi, sv and en' };
  } catch (error) {
    return {
      check: 'speech',
      severity: 'warn',
      detail: (error as Error).message,
      fix: 'apt-get install espeak-ng sox (voice calls and their inbox audio need them)',
    };
  }
}

/** `env` and `envFile` default to loadConfig's (the process environment, ./.env). */
export async function diagnose(env?: NodeJS.ProcessEnv, envFile?: string): Promise<Finding[]> {
  let config: Config;
  try {
    config = loadConfig(env, envFile, { generateSecret: false });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [
      { check: 'config', severity: 'fail', detail: error.message, fix: 'see the configuration table in the README' },
    ];
  }
  const findings: Finding[] = [{ check: 'config', severity: 'ok', detail: 'every AVISO_ variable is valid' }];
  const withoutUnsubscribe = missingPublicUrl(config);
  if (withoutUnsubscribe) findings.push({ check: 'public URL', severity: 'warn', ...withoutUnsubscribe });
  else if (!config.publicUrl)
    findings.push({
      check: 'public URL',
      severity: 'warn',
      detail: 'AVISO_PUBLIC_URL is not set',
      fix: 'set it to the address residents use (feed and unsubscribe links come from it)',
    });
  findings.push(checkSecret(env, envFile));
  const database = await checkDatabase(config);
  findings.push(...database.findings);
  // The inbox providers need a database object even when the real one is unreachable: they do not touch it to report health.
  const channelDb = database.db ?? openDatabase('sqlite::memory:');
  try {
    findings.push(...(await checkChannels(config, channelDb)), await checkSpeech(), await checkClock(database.db));
  } finally {
    await channelDb.close();
  }
  return findings;
}
