/**
 * PIN login over HTTP: the PIN message, the session cookie, single use and expiry of PINs, CSRF, logout
 * and the idle expiry. Brute force and enumeration have their own file.
 */
import { describe, expect, it } from 'vitest';
import { createTestApp, describeEachDatabase } from '../app.js';
import {
  buildTown,
  inboxFor,
  logIn,
  readPin,
  requestPin,
  sessionCookieOf,
  submitPin,
} from '../residents/resident-client.js';
import { nextPhone } from './phones.js';

describeEachDatabase('PIN login', (t) => {
  it('sends a 6-digit PIN by SMS to the E.164 number, naming the tenant and warning of smishing', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const answer = await requestPin(app, tenant.slug, { phone: '040 123 4567' });
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toEqual({ channel: 'sms', pinLength: 6, expiresInSeconds: 600, resendAfterSeconds: 60 });
    const [message] = await inboxFor(app, '+358401234567');
    expect(message).toMatchObject({ channel: 'sms', from: tenant.smsSender });
    expect(message!.text).toMatch(
      /^Mäntän Vesi: kirjautumiskoodisi on \d{6}\. Koodi on voimassa 10 minuuttia\. Mäntän Vesi ei koskaan pyydä maksu- tai pankkitietoja viestillä\.$/,
    );
    expect(message!.text.length).toBeLessThanOrEqual(160);
  });

  it('calls a landline (voice), mails an email, and writes in the language asked for', async () => {
    const { app, context } = t();
    const tenant = await context.tenants.updateSettings(await buildTown(context, { languages: ['sv', 'fi', 'en'] }), {
      country: 'SE',
    });
    expect((await requestPin(app, tenant.slug, { phone: '08-123 456 78' })).json().channel).toBe('voice');
    const [call] = await inboxFor(app, '+46812345678');
    expect(call).toMatchObject({ channel: 'voice', hasAudio: true });
    expect(call!.text).toMatch(
      /^Det här är Mäntän Vesi\. Din inloggningskod är (\d, ){5}\d\. Jag upprepar: (\d, ){5}\d\./,
    );

    expect((await requestPin(app, tenant.slug, { email: ' Anna@Example.FI ', language: 'en' })).json().channel).toBe(
      'email',
    );
    const [mail] = await inboxFor(app, 'anna@example.fi');
    expect(mail).toMatchObject({ channel: 'email', subject: 'Mäntän Vesi: login code' });
    expect(mail!.text).toContain('never asks for payment or bank details');
  });

  it("uses the tenant's PIN length (4 like the Finnish service)", async () => {
    const { app, context } = t();
    const tenant = await context.tenants.updateSettings(await buildTown(context), { pinLength: 4 });
    const phone = nextPhone();
    expect((await requestPin(app, tenant.slug, { phone: phone.national })).json().pinLength).toBe(4);
    expect(await readPin(app, phone.e164)).toMatch(/^\d{4}$/);
  });

  it('logs in with a cookie that is httpOnly, SameSite=Lax, path / and not Secure over plain HTTP', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const phone = nextPhone();
    await requestPin(app, tenant.slug, { phone: phone.national });
    const answer = await submitPin(app, tenant.slug, { phone: phone.e164, pin: await readPin(app, phone.e164) });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ csrfToken: expect.any(String), known: false, registered: false });
    const cookie = String(answer.headers['set-cookie']);
    expect(cookie).toMatch(/^aviso_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toMatch(/Max-Age|Expires/i);
    // Only a hash of the token is stored.
    const token = sessionCookieOf(answer).split('=')[1]!;
    const rows = await context.db.kysely
      .selectFrom('sessions')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('takes a PIN once only, and not after 10 minutes', async () => {
    const { app, context, clock } = t();
    const tenant = await buildTown(context);
    const phone = nextPhone();
    await requestPin(app, tenant.slug, { phone: phone.national }, '10.1.0.1');
    const pin = await readPin(app, phone.e164);
    expect((await submitPin(app, tenant.slug, { phone: phone.e164, pin }, '10.1.0.1')).statusCode).toBe(200);
    const reused = await submitPin(app, tenant.slug, { phone: phone.e164, pin }, '10.1.0.1');
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toMatchObject({ code: 'pin-rejected', errors: [{ field: 'pin' }] });

    const later = nextPhone();
    await requestPin(app, tenant.slug, { phone: later.national }, '10.1.0.1');
    clock.advance(10 * 60_000 + 1000);
    const expired = await submitPin(
      app,
      tenant.slug,
      { phone: later.e164, pin: await readPin(app, later.e164) },
      '10.1.0.1',
    );
    expect(expired.statusCode).toBe(400);
  });

  it('asks for the CSRF header on every change, not on reads', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const phone = nextPhone();
    const session = await logIn(app, tenant.slug, { phone: phone.national }, phone.e164, '10.2.0.1');
    expect((await session.call('GET', '/me', undefined, { csrf: null })).statusCode).toBe(200);
    const body = { kind: 'person', firstName: 'A', lastName: 'B' };
    const missing = await session.call('POST', '/me', body, { csrf: null });
    expect(missing.statusCode).toBe(403);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect((await session.call('POST', '/me', body, { csrf: 'x'.repeat(32) })).statusCode).toBe(403);
    expect((await session.call('POST', '/logout', undefined, { csrf: null })).statusCode).toBe(403);
    expect((await session.call('POST', '/me', body)).statusCode).toBe(201);
  });

  it('logs out, and ends an idle session after 30 minutes', async () => {
    const { app, context, clock } = t();
    const tenant = await buildTown(context);
    const phone = nextPhone();
    const first = await logIn(app, tenant.slug, { phone: phone.national }, phone.e164, '10.3.0.1');
    const out = await first.call('POST', '/logout');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/aviso_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await first.call('GET', '/me')).statusCode).toBe(401);

    clock.advance(120_000);
    const second = await logIn(app, tenant.slug, { phone: phone.national }, phone.e164, '10.3.0.1');
    clock.advance(25 * 60_000);
    expect((await second.call('GET', '/me')).statusCode).toBe(200);
    clock.advance(25 * 60_000);
    expect((await second.call('GET', '/me')).statusCode, 'use slides the idle expiry').toBe(200);
    clock.advance(31 * 60_000);
    const ended = await second.call('GET', '/me');
    expect(ended.statusCode).toBe(401);
    expect(ended.json()).toMatchObject({ status: 401, code: 'session-ended' });
  });

  it('opens the contact a number belongs to — own registration first, then the public register — and audits that login only', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const at = context.clock.now();
    const contact = async (source: 'register' | 'self', updatedAt: number, phone: string, verified: 0 | 1) => {
      const id = `c-${source}-${updatedAt}-${phone}`;
      await context.db.kysely
        .insertInto('contacts')
        .values({
          id,
          tenant_id: tenant.id,
          kind: 'person',
          source,
          person_id: source === 'register' ? id : null,
          first_name: 'A',
          last_name: 'B',
          company_name: null,
          business_id: null,
          contact_person: null,
          birth_date: null,
          language: 'fi',
          name_hidden: 0,
          priority: 0,
          created_at: at,
          updated_at: updatedAt,
        })
        .execute();
      await context.db.kysely
        .insertInto('contact_endpoints')
        .values({
          id: `e-${id}`,
          tenant_id: tenant.id,
          contact_id: id,
          type: 'mobile',
          value: phone,
          source,
          verified,
          created_at: at,
          updated_at: at,
        })
        .execute();
      return id;
    };
    const logins = async () =>
      (await context.audit.list(tenant.id, { limit: 100 }))
        .filter((e) => e.action === 'resident.login')
        .map((e) => e.subjectId);

    // Held by the public register and by two own registrations: the newer own one opens; the number is known.
    const shared = nextPhone();
    await contact('register', at + 5, shared.e164, 0);
    await contact('self', at + 1, shared.e164, 1);
    const own = await contact('self', at + 2, shared.e164, 1);
    const first = await logIn(app, tenant.slug, { phone: shared.national }, shared.e164);
    expect(first.login).toEqual({ known: true, registered: true });
    expect((await first.call('GET', '/me')).json().contact.id).toBe(own);
    expect(await logins()).toEqual([own]);

    // Only the public register: it opens that contact.
    const listed = nextPhone();
    const registerContact = await contact('register', at, listed.e164, 0);
    expect((await logIn(app, tenant.slug, { phone: listed.national }, listed.e164)).login).toEqual({
      known: true,
      registered: true,
    });
    expect((await logins()).sort()).toEqual([own, registerContact].sort());

    // A number somebody typed in but never verified opens nothing: a registration to be, not audited.
    const typed = nextPhone();
    await contact('self', at, typed.e164, 0);
    const stranger = await logIn(app, tenant.slug, { phone: typed.national }, typed.e164);
    expect(stranger.login).toEqual({ known: false, registered: false });
    expect((await stranger.call('GET', '/me')).json().contact).toBeNull();

    // A wrong PIN opens nothing and writes nothing.
    await requestPin(app, tenant.slug, { phone: listed.national });
    const pin = await readPin(app, listed.e164);
    const wrong = await submitPin(app, tenant.slug, {
      phone: listed.national,
      pin: pin === '000000' ? '000001' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(await logins()).toHaveLength(2);
  });

  it('names the bad field', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ phone: '12' }, 'phone'],
      [{ phone: 'call me' }, 'phone'],
      [{ email: 'not-an-email' }, 'email'],
      [{}, 'phone'],
      [{ phone: '0401234567', email: 'a@example.fi' }, 'phone'],
      [{ phone: '0401234567', language: 'de' }, 'language'],
    ];
    for (const [body, field] of cases) {
      const answer = await requestPin(app, tenant.slug, body, '10.4.0.1');
      expect(answer.statusCode, JSON.stringify(body)).toBe(400);
      expect(answer.json().errors[0].field).toBe(field);
    }
    const badPin = await submitPin(app, tenant.slug, { phone: '0401234567', pin: '12ab' }, '10.4.0.1');
    expect(badPin.json().errors[0].field).toBe('pin');
    expect((await requestPin(app, 'atlantis', { phone: '0401234567' })).statusCode).toBe(404);
  });
});

describe('the session cookie behind TLS', () => {
  it('is Secure when the request came over https (a trusted proxy says so)', async () => {
    const testApp = await createTestApp('sqlite', { trustProxy: ['127.0.0.1'] });
    try {
      const tenant = await buildTown(testApp.context);
      const phone = nextPhone();
      const headers = { 'x-forwarded-proto': 'https' };
      await testApp.app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/login/pin`,
        payload: { phone: phone.national },
        headers,
      });
      const pin = await readPin(testApp.app, phone.e164);
      const answer = await testApp.app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/login`,
        payload: { phone: phone.e164, pin },
        headers,
      });
      expect(String(answer.headers['set-cookie'])).toContain('Secure');
    } finally {
      await testApp.app.close();
      await testApp.database.drop();
    }
  });
});
