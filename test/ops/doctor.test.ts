/**
 * `aviso doctor` as a child process against a good installation (migrated database, a real SMTP server
 * that wants a login, the SMPP simulator, speech tools) and broken ones (bad variable, SMTP refusing, no
 * SMSC listening, a database a newer version migrated, a secret others can read); `aviso migrate` refusing that database, `--dry-run`.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmsc, type Smsc } from '../../src/channels/sms/smsc-simulator.js';
import { childDatabaseUrl, childProcessesTimeout, runCli, runCliAsync } from '../cli.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';
import { startServe } from '../serve.js';

let smtp: SMTPServer;
let smtpPort: number;
let smsc: Smsc;

beforeAll(async () => {
  smtp = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (auth, _session, callback) =>
      auth.password === 's3cret' ? callback(null, { user: auth.username }) : callback(new Error('bad login')),
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  smsc = await startSmsc(0, { systemId: 'aviso', password: 'pw' });
});
afterAll(async () => {
  await smsc.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** A port on which nothing listens (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const lines = (stdout: string) => stdout.split('\n').filter((l) => /^(ok|warn|FAIL)\s/.test(l));

describe('aviso doctor, configuration', () => {
  it('names a bad variable and exits 1', () => {
    const result = runCli(['doctor'], { AVISO_PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^FAIL {2}config: AVISO_PORT: /)]);
    expect(result.stderr.trim()).toBe('aviso: 1 problem: config');
  });

  it(
    'names a database it cannot reach, or that is not there yet, and still checks the rest',
    childProcessesTimeout(2),
    async () => {
      const unreachable = await runCliAsync(['doctor'], { AVISO_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
      expect(unreachable.status).toBe(1);
      expect(unreachable.stdout).toMatch(
        /^FAIL {2}database: postgres: .*ECONNREFUSED.*\n {6}→ check AVISO_DATABASE_URL/m,
      );
      expect(unreachable.stdout).toContain('ok    channel sms: dev inbox');
      const missing = join(mkdtempSync(join(tmpdir(), 'aviso-doctor-')), 'aviso.db');
      const absent = await runCliAsync(['doctor'], { AVISO_DATABASE_URL: `sqlite:${missing}` });
      expect(absent.stdout).toContain(`FAIL  database: no database at ${missing}\n      → aviso migrate creates it`);
    },
  );
});

for (const kind of TEST_DATABASES) {
  describe(`aviso doctor [${kind}]`, () => {
    let database: FreshDatabase;
    let env: Record<string, string>;

    beforeAll(async () => {
      database = await freshDatabase(kind);
      env = {
        AVISO_DATABASE_URL: childDatabaseUrl(database),
        AVISO_EMAIL: `smtp://aviso:s3cret@127.0.0.1:${smtpPort}?from=hairiot@example.fi`,
        AVISO_SMS: `smpp://aviso:pw@127.0.0.1:${smsc.port}?source=Aviso`,
        AVISO_PUBLIC_URL: 'https://hairiot.example.fi',
      };
    });
    afterAll(() => database.drop());

    it('passes a good installation', async () => {
      const result = await runCliAsync(['doctor'], env);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const found = lines(result.stdout);
      // A machine's time synchronisation is its own (timedatectl may warn); nothing else may.
      expect(found.filter((l) => !l.startsWith('ok') && !/^warn {2}clock: /.test(l))).toEqual([]);
      expect(found).toEqual(
        expect.arrayContaining([
          `ok    database: ${kind} answers`,
          'ok    migrations: current',
          `ok    channel sms: smpp://aviso@127.0.0.1:${smsc.port}: 1 of 1 binds up`,
          `ok    channel email: SMTP 127.0.0.1:${smtpPort} accepts a connection and the login`,
          'ok    speech: espeak-ng and sox render fi, sv and en',
          'ok    secret: AVISO_SECRET is set',
        ]),
      );
      expect(found.find((l) => l.includes('clock:'))).toMatch(
        kind === 'postgres' ? /^ok {4}clock: \d+ ms from the database server's clock$/ : /^(ok {2}|warn) {2}clock: /,
      );
      // Doctor bound to check, and unbound before it ended.
      await expect.poll(() => smsc.binds()).toEqual([]);
    });

    it(
      'says that notice emails go without List-Unsubscribe when email is real and AVISO_PUBLIC_URL is unset: doctor and serve',
      { timeout: 120_000 },
      async () => {
        const { AVISO_PUBLIC_URL: _unset, ...withoutUrl } = env;
        const doctor = await runCliAsync(['doctor'], withoutUrl);
        expect(doctor.status).toBe(0);
        expect(doctor.stdout).toMatch(
          /^warn {2}public URL: AVISO_PUBLIC_URL is not set: notice emails go out without List-Unsubscribe.*\n {6}→ set AVISO_PUBLIC_URL to /m,
        );
        const server = await startServe(withoutUrl);
        try {
          const warnings = server
            .output()
            .split('\n')
            .filter((line) => line.includes('"level":40') && line.includes('AVISO_PUBLIC_URL'));
          expect(warnings).toHaveLength(1);
          expect(warnings[0]).toMatch(/without List-Unsubscribe.*set AVISO_PUBLIC_URL to /);
        } finally {
          await server.stop();
        }
        // With the dev inbox as the email channel there is nothing to warn of at start.
        const inbox = await startServe({ ...withoutUrl, AVISO_EMAIL: 'inbox' });
        try {
          expect(inbox.output()).not.toContain('List-Unsubscribe');
        } finally {
          await inbox.stop();
        }
      },
    );

    it(
      'checks web push by its stored VAPID pair, making none: none yet passes, a damaged one fails with what to do',
      childProcessesTimeout(2),
      async () => {
        const push = { ...env, AVISO_PUSH: 'webpush://?subject=mailto:ops@hairiot.example.fi' };
        const fresh = await runCliAsync(['doctor'], push);
        expect(fresh.status, fresh.stdout).toBe(0);
        expect(lines(fresh.stdout)).toContain(
          'ok    channel push: webpush: no VAPID key pair yet (made when the first browser subscribes)',
        );
        expect(await database.db.kysely.selectFrom('push_keys').selectAll().execute()).toEqual([]);

        await database.db.kysely
          .insertInto('push_keys')
          .values({ id: 'vapid', public_key: 'not-a-key', private_key: 'not-a-key', created_at: Date.now() })
          .execute();
        try {
          const damaged = await runCliAsync(['doctor'], push);
          expect(damaged.status).toBe(1);
          expect(damaged.stdout).toMatch(
            /^FAIL {2}channel push: webpush: no usable VAPID keys \(.*\)\n {6}→ the stored VAPID pair is damaged: delete the row of push_keys/m,
          );
          expect(damaged.stderr.trim()).toBe('aviso: 1 problem: channel push');
        } finally {
          await database.db.kysely.deleteFrom('push_keys').execute();
        }
      },
    );

    it('fails on a refused SMTP login, no SMSC listening and a secret others can read, saying what to do', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aviso-doctor-'));
      const secretFile = join(dir, 'secret');
      writeFileSync(secretFile, 'x'.repeat(43));
      chmodSync(secretFile, 0o644);
      const smsPort = await closedPort();
      const result = await runCliAsync(['doctor'], {
        ...env,
        AVISO_SECRET: undefined,
        AVISO_SECRET_FILE: secretFile,
        AVISO_EMAIL: `smtp://aviso:wrong@127.0.0.1:${smtpPort}`,
        AVISO_SMS: `smpp://aviso:pw@127.0.0.1:${smsPort}`,
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^FAIL {2}channel email: SMTP 127\.0\.0\.1:\d+: .*\n {6}→ check AVISO_EMAIL/m);
      expect(result.stdout).toContain(
        `FAIL  secret: ${secretFile} is readable by others (mode 644)\n      → chmod 600 ${secretFile}`,
      );
      expect(result.stdout).toContain(
        `FAIL  channel sms: smpp://aviso@127.0.0.1:${smsPort}: 0 of 1 binds up (no SMPP bind to 127.0.0.1:${smsPort} (connect ECONNREFUSED 127.0.0.1:${smsPort}; next try in`,
      );
      expect(result.stdout).toMatch(
        /^FAIL {2}channel sms: .*\n {6}→ check AVISO_SMS \(host, port, user, password\) and the provider's firewall$/m,
      );
      expect(result.stderr.trim()).toBe('aviso: 3 problems: secret, channel sms, channel email');
    });

    it(
      'refuses a database a newer Aviso migrated: doctor, migrate and migrate --dry-run',
      childProcessesTimeout(4),
      async () => {
        await sql`insert into kysely_migration (name, timestamp) values ('999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(
          database.db.kysely,
        );
        try {
          const doctor = await runCliAsync(['doctor'], env);
          expect(doctor.status).toBe(1);
          expect(doctor.stdout).toContain('FAIL  migrations: migrated by a newer Aviso: 999-from-the-future');
          for (const args of [['migrate'], ['migrate', '--dry-run']]) {
            const migrate = runCli(args, env);
            expect(migrate.status).toBe(1);
            expect(migrate.stderr.trim()).toBe(
              'aviso: the database was migrated by a newer Aviso (999-from-the-future unknown here): run that version, or restore a backup taken before the upgrade',
            );
          }
        } finally {
          await sql`delete from kysely_migration where name = '999-from-the-future'`.execute(database.db.kysely);
        }
        expect(runCli(['migrate', '--dry-run'], env).stdout.trim()).toBe('database is up to date');
      },
    );
  });
}

describe('aviso migrate --dry-run', () => {
  it('lists what would run on an empty database and changes nothing', childProcessesTimeout(2), () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'aviso-dry-')), 'aviso.db')}`;
    const dry = runCli(['migrate', '--dry-run'], { AVISO_DATABASE_URL: url });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^would apply: 001-foundation, 002-residents, .*015-recipient-contact-index/);
    expect(runCli(['migrate', '--dry-run'], { AVISO_DATABASE_URL: url }).stdout).toMatch(
      /^would apply: 001-foundation/,
    );
  });
});
