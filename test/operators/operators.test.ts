/**
 * Operators: the CLI's one-time password that must be changed, API tokens from the CLI, TOTP, lockout,
 * CSRF on session requests, TOTP made mandatory by the tenant, and second-operator approval of a send.
 */
import { expect, it } from 'vitest';
import { totpCode } from '../../src/modules/operators/totp.js';
import { openSecret } from '../../src/modules/operators/totp.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase, type TestApp } from '../app.js';
import { childDatabaseUrl, childProcessesTimeout, runCli } from '../cli.js';
import { addPerson, buildTown, CENTER, inboxOf, square } from '../dispatch/fixtures.js';

const PASSWORD = 'correct horse battery staple';

interface LoggedIn {
  headers: Record<string, string>;
  cookies: Record<string, string>;
  body: Record<string, unknown>;
}

async function login(app: TestApp['app'], tenant: Tenant, email: string, password: string, totp?: string) {
  return app.inject({
    method: 'POST',
    url: `/api/t/${tenant.slug}/operators/login`,
    payload: { email, password, ...(totp ? { totp } : {}) },
  });
}

function loginFrom(app: TestApp['app'], tenant: Tenant, email: string, password: string, ip: string) {
  return app.inject({
    method: 'POST',
    url: `/api/t/${tenant.slug}/operators/login`,
    payload: { email, password },
    remoteAddress: ip,
  });
}

async function loggedIn(
  app: TestApp['app'],
  tenant: Tenant,
  email: string,
  password = PASSWORD,
  totp?: string,
): Promise<LoggedIn> {
  const response = await login(app, tenant, email, password, totp);
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === 'aviso_session')!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  return {
    cookies: { aviso_session: cookie.value },
    headers: { 'x-csrf-token': response.json().csrfToken },
    body: response.json(),
  };
}

describeEachDatabase('operators', (t) => {
  const as = (session: LoggedIn) => ({ cookies: session.cookies, headers: session.headers });

  it(
    'adds an operator from the CLI with a one-time password that must be changed first',
    childProcessesTimeout(2),
    async () => {
      const tenant = await buildTown(t().context);
      const env = { AVISO_DATABASE_URL: childDatabaseUrl(t().database) };
      const added = runCli(
        ['operator', 'add', '--tenant', tenant.slug, '--email', 'Admin@Example.fi', '--role', 'admin'],
        env,
      );
      expect(added.status, added.stderr).toBe(0);
      const oneTime = /one-time password: (\S+)/.exec(added.stdout)?.[1];
      expect(oneTime).toMatch(/^[A-Za-z2-9]{20}$/);
      expect(
        runCli(['operator', 'add', '--tenant', tenant.slug, '--email', 'x@example.fi', '--role', 'boss'], env).status,
      ).toBe(1);

      const session = await loggedIn(t().app, tenant, 'admin@example.fi', oneTime!);
      expect(session.body).toMatchObject({
        operator: { email: 'admin@example.fi', role: 'admin' },
        mustChangePassword: true,
      });
      const blocked = await t().app.inject({ url: `/api/t/${tenant.slug}/incidents`, ...as(session) });
      expect(blocked.json()).toMatchObject({ status: 403, code: 'password-change-required' });
      const tooShort = await t().app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/operators/me/password`,
        ...as(session),
        payload: { currentPassword: oneTime, newPassword: 'short' },
      });
      expect(tooShort.json().errors[0].field).toBe('newPassword');
      const changed = await t().app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/operators/me/password`,
        ...as(session),
        payload: { currentPassword: oneTime, newPassword: PASSWORD },
      });
      expect(changed.statusCode, changed.body).toBe(204);
      expect((await t().app.inject({ url: `/api/t/${tenant.slug}/incidents`, ...as(session) })).statusCode).toBe(200);
      expect((await login(t().app, tenant, 'admin@example.fi', oneTime!)).statusCode).toBe(401);
    },
  );

  it('creates API tokens from the CLI for Authorization: Bearer', async () => {
    const tenant = await buildTown(t().context);
    const created = runCli(['token', 'create', '--tenant', tenant.slug, '--role', 'operator'], {
      AVISO_DATABASE_URL: childDatabaseUrl(t().database),
    });
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^avt_[\w-]{40,}$/);
    const stored = await t()
      .context.db.kysely.selectFrom('api_tokens')
      .select('token_hash')
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    const listed = await t().app.inject({
      url: `/api/t/${tenant.slug}/incidents`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(listed.statusCode).toBe(200);
    expect(
      (
        await t().app.inject({
          url: `/api/t/${tenant.slug}/incidents`,
          headers: { authorization: 'Bearer avt_wrong-wrong-wrong' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('sets up TOTP and then requires a fresh code at login', async () => {
    const tenant = await buildTown(t().context);
    await t().context.operators.createOperator(
      tenant,
      { email: 'op@example.fi', role: 'operator', password: PASSWORD },
      null,
    );
    const session = await loggedIn(t().app, tenant, 'op@example.fi');
    const begun = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/operators/me/totp`,
      ...as(session),
    });
    expect(begun.json().uri).toMatch(/^otpauth:\/\/totp\//);
    const row = await t()
      .context.db.kysely.selectFrom('operators')
      .select('totp_secret')
      .where('email', '=', 'op@example.fi')
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toContain(begun.json().secret);
    expect(openSecret(t().context.config.secret, row.totp_secret!)).toBe(begun.json().secret);
    const wrong = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/operators/me/totp/confirm`,
      ...as(session),
      payload: { code: '000000' },
    });
    expect(wrong.statusCode).toBe(400);
    const confirm = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/operators/me/totp/confirm`,
      ...as(session),
      payload: { code: totpCode(begun.json().secret, Date.now()) },
    });
    expect(confirm.statusCode, confirm.body).toBe(204);

    const withoutCode = await login(t().app, tenant, 'op@example.fi', PASSWORD);
    expect(withoutCode.json()).toMatchObject({ status: 401, code: 'totp-required', errors: [{ field: 'totp' }] });
    // The code the set-up used cannot be replayed; the next step's code works.
    const replayed = await login(t().app, tenant, 'op@example.fi', PASSWORD, totpCode(begun.json().secret, Date.now()));
    expect(replayed.statusCode).toBe(401);
    const next = await login(
      t().app,
      tenant,
      'op@example.fi',
      PASSWORD,
      totpCode(begun.json().secret, Date.now() + 30_000),
    );
    expect(next.statusCode, next.body).toBe(200);
  });

  it('wants the CSRF header on session requests that change something, and TOTP when the tenant says so', async () => {
    const tenant = await buildTown(t().context, { requireTotp: true });
    await t().context.operators.createOperator(
      tenant,
      { email: 'new@example.fi', role: 'operator', password: PASSWORD },
      null,
    );
    const session = await loggedIn(t().app, tenant, 'new@example.fi');
    expect(session.body.totpSetupRequired).toBe(true);
    expect((await t().app.inject({ url: `/api/t/${tenant.slug}/incidents`, ...as(session) })).json().code).toBe(
      'totp-setup-required',
    );
    const noCsrf = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/operators/me/totp`,
      cookies: session.cookies,
    });
    expect(noCsrf.statusCode).toBe(403);
    const begun = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/operators/me/totp`,
      ...as(session),
    });
    await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/operators/me/totp/confirm`,
      ...as(session),
      payload: { code: totpCode(begun.json().secret, Date.now()) },
    });
    expect((await t().app.inject({ url: `/api/t/${tenant.slug}/incidents`, ...as(session) })).statusCode).toBe(200);
    const me = await t().app.inject({ url: `/api/t/${tenant.slug}/operators/me`, ...as(session) });
    expect(me.json()).toMatchObject({
      operator: { email: 'new@example.fi', totpEnabled: true },
      totpSetupRequired: false,
    });
  });

  it("holds a send for a second operator's approval when the tenant requires it", async () => {
    const tenant = await buildTown(t().context, { requireApproval: true });
    await addPerson(t().context, tenant, {
      endpoints: [{ type: 'mobile', value: '+358401234001' }],
      addresses: ['kk-1'],
    });
    for (const email of ['author@example.fi', 'second@example.fi'])
      await t().context.operators.createOperator(tenant, { email, role: 'operator', password: PASSWORD }, null);
    const author = await loggedIn(t().app, tenant, 'author@example.fi');
    const second = await loggedIn(t().app, tenant, 'second@example.fi');
    const incident = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents`,
      ...as(author),
      payload: {
        service: 'water',
        kind: 'sudden',
        title: 'x',
        area: square(CENTER.lon - 0.002, CENTER.lat + 0.0002, 0.0001),
      },
    });
    const message = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents/${incident.json().id}/messages`,
      ...as(author),
      payload: { texts: { fi: 'Katko' } },
    });
    expect(message.json().status).toBe('awaiting-approval');
    await t().context.dispatch.runtime.drain();
    expect(await inboxOf(t().context, message.json().id)).toEqual([]);
    const self = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/messages/${message.json().id}/approve`,
      ...as(author),
    });
    expect(self.statusCode).toBe(403);
    const approved = await t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/messages/${message.json().id}/approve`,
      ...as(second),
    });
    expect(approved.json()).toMatchObject({ status: 'sending', approvedBy: expect.any(String) });
    await t().context.dispatch.runtime.drain();
    expect(await inboxOf(t().context, message.json().id)).toEqual(['sms +358401234001']);
    const audit = await t().app.inject({ url: `/api/t/${tenant.slug}/audit`, ...as(author) });
    expect(audit.statusCode).toBe(403);
  });
});

// A clock of its own: the other tests' TOTP codes follow real time.
describeEachDatabase('operator login throttling', (t) => {
  it('throttles failed logins per source and account, never locking the owner out, and answers unknown accounts alike', async () => {
    const { app, context, clock } = t();
    clock.set(Date.UTC(2030, 5, 1, 10, 0, 0));
    const tenant = await buildTown(context);
    await context.operators.createOperator(
      tenant,
      { email: 'lock@example.fi', role: 'viewer', password: PASSWORD },
      null,
    );
    const answers = async (email: string, ip: string, times: number) => {
      const got = [];
      for (let i = 0; i < times; i++) {
        const answer = await loginFrom(app, tenant, email, 'wrong password!!', ip);
        got.push(`${answer.statusCode} ${answer.json().detail.replace(/\d+ seconds/, 'N seconds')}`);
      }
      return got;
    };
    // The same answers, in the same order, for a known and an unknown account.
    const known = await answers('lock@example.fi', '192.0.2.1', 6);
    expect(await answers('nobody@example.fi', '192.0.2.1', 6)).toEqual(known);
    expect(known).toEqual([
      ...Array(5).fill('401 wrong email or password'),
      '429 too many failed logins; try again in N seconds',
    ]);
    // The right password from that source waits; from the owner's own address it works at once.
    expect((await loginFrom(app, tenant, 'lock@example.fi', PASSWORD, '192.0.2.1')).statusCode).toBe(429);
    expect((await loginFrom(app, tenant, 'lock@example.fi', PASSWORD, '192.0.2.99')).statusCode).toBe(200);
    // Guessing from many addresses, far past the account's ceiling: each address is then held to one failure a window.
    for (let s = 1; s <= 21; s++) await answers('lock@example.fi', `203.0.113.${s}`, 5);
    expect(await answers('lock@example.fi', '203.0.113.200', 2)).toEqual([
      '401 wrong email or password',
      '429 too many failed logins; try again in N seconds',
    ]);
    // An attacker trying every minute from one address stays throttled; the owner, from their own address, gets in
    // every time (no shared slot that the attacker can take first).
    const attacker: string[] = [];
    for (let minute = 0; minute < 8; minute++) {
      clock.advance(60_000);
      attacker.push(...(await answers('lock@example.fi', '198.51.100.7', 1)));
      const owner = await loginFrom(app, tenant, 'lock@example.fi', PASSWORD, '192.0.2.99');
      expect(owner.statusCode, `minute ${minute}: ${owner.body}`).toBe(200);
    }
    expect(attacker.filter((a) => a.startsWith('401'))).toHaveLength(1);
    // The addresses that guessed before still wait.
    expect((await loginFrom(app, tenant, 'lock@example.fi', PASSWORD, '203.0.113.1')).statusCode).toBe(429);
  }, 120_000);
});
