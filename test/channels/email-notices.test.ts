/**
 * Notice emails as a mail system reads them, through a real SMTP server and read back with mailparser:
 * `Auto-Submitted: auto-generated`, a text and an HTML part signed with the tenant's name, the subject
 * in the recipient's language, and `List-Unsubscribe` with one-click POST (RFC 8058) whose POST really
 * removes that address at that tenant: gone from the resident's portal, audited, sent nothing again —
 * posted urlencoded or, as mailbox providers do, multipart/form-data. Every mail is DKIM-signed over the
 * unsubscribe headers, checked by an independent verifier (mailauth) against the test's own DNS record.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createTestApp, type TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { addPerson, buildTown, CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { requestPin, sessionCookieOf, sessionFor, submitPin } from '../residents/resident-client.js';
import { waitFor } from '../wait.js';

const PUBLIC_URL = 'https://aviso.example.fi';

/** A DKIM key of the test's own: the private half for Aviso, the public half as its DNS TXT record. */
const dkimKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_RECORD = `v=DKIM1; k=rsa; p=${dkimKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
const dkimKeyFile = join(mkdtempSync(join(tmpdir(), 'aviso-dkim-')), 'dkim.pem');
writeFileSync(dkimKeyFile, dkimKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
/** Settings as an operator gives them: domain, selector and the key's file. */
const { dkim } = loadConfig(
  { AVISO_DKIM_DOMAIN: 'example.fi', AVISO_DKIM_SELECTOR: 'aviso2026', AVISO_DKIM_KEY_FILE: dkimKeyFile },
  '/nonexistent',
  { generateSecret: false },
);

/** A header exactly as it arrived (unfolded), e.g. `List-Unsubscribe: <https://…>`. */
const headerLine = (mail: ParsedMail, key: string) =>
  (mail.headerLines.find((h) => h.key === key)?.line ?? '').replace(/\r?\n\s+/g, ' ');

for (const kind of TEST_DATABASES) {
  describe(`notice emails [${kind}]`, () => {
    const received: ParsedMail[] = [];
    /** Each mail's bytes as they arrived, for the DKIM check. */
    const raw = new WeakMap<ParsedMail, Buffer>();
    /** The clock's time at every RCPT TO, per address. */
    const tries = new Map<string, number[]>();
    let server: SMTPServer;
    let t: TestApp;

    beforeAll(async () => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        // `grey…@` addresses are greylisted for their first three tries, `never…@` always: 451 "try again later".
        onRcptTo: (address, _session, callback) => {
          const times = (tries.get(address.address) ?? []).concat(t.clock.now());
          tries.set(address.address, times);
          const greylisted =
            address.address.startsWith('never') || (address.address.startsWith('grey') && times.length <= 3);
          callback(
            greylisted
              ? Object.assign(new Error('4.7.1 Greylisted, please try again later'), { responseCode: 451 })
              : undefined,
          );
        },
        onData: (stream, _session, callback) => {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            const bytes = Buffer.concat(chunks);
            simpleParser(bytes).then((mail) => (raw.set(mail, bytes), received.push(mail), callback()), callback);
          });
        },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.server.address() as AddressInfo).port;
      t = await createTestApp(kind, {
        email: `smtp://127.0.0.1:${port}?from=hairiot@example.fi`,
        publicUrl: PUBLIC_URL,
        dkim,
      });
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const mailTo = (address: string) =>
      received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address);
    /** Waits until `address` has received `count` mails. */
    const mailsFor = (address: string, count: number) =>
      waitFor(`${count} mail(s) to ${address}`, async () =>
        mailTo(address).length >= count ? mailTo(address) : undefined,
      );

    it("sends text and HTML with the tenant's name, the subject in the recipient's language, Auto-Submitted and a one-click unsubscribe that removes the address", async () => {
      const { app, context } = t;
      const tenant = await buildTown(context);
      const auth = await tokenHeaders(context, tenant);
      await addPerson(context, tenant, {
        language: 'sv',
        endpoints: [{ type: 'email', value: 'anna@example.fi' }],
        addresses: ['kk-1'],
      });
      await addPerson(context, tenant, {
        language: 'fi',
        endpoints: [{ type: 'email', value: 'matti@example.fi' }],
        addresses: ['kk-2'],
      });
      const send = async (title: string) => {
        const incident = await app.inject({
          method: 'POST',
          url: `/api/t/${tenant.slug}/incidents`,
          headers: auth,
          payload: {
            service: 'water',
            kind: 'sudden',
            title,
            area: square(CENTER.lon - 0.002, CENTER.lat + 0.0003, 0.0006),
          },
        });
        expect(incident.statusCode, incident.body).toBe(201);
        const message = await app.inject({
          method: 'POST',
          url: `/api/t/${tenant.slug}/incidents/${incident.json().id}/messages`,
          headers: auth,
          payload: { kind: 'alert', texts: { fi: 'Vesikatko {address}.', sv: 'Vattenavbrott {address}.' } },
        });
        expect(message.statusCode, message.body).toBe(201);
        await context.dispatch.runtime.drain();
      };
      await send('Vesijohtovuoto');
      await Promise.all([mailsFor('anna@example.fi', 1), mailsFor('matti@example.fi', 1)]);

      const [swedish] = mailTo('anna@example.fi');
      expect(swedish!.subject).toBe(`${tenant.name}: Vattenavbrott`);
      expect(mailTo('matti@example.fi')[0]!.subject).toBe(`${tenant.name}: Vesijohtovuoto (Vesikatko)`);
      expect(swedish!.headers.get('auto-submitted')).toBe('auto-generated');
      expect(swedish!.text).toContain('Vattenavbrott Skolgatan 1');
      expect(swedish!.text).toContain(tenant.name);
      expect(swedish!.html).toContain(`<strong>${tenant.name}</strong>`);
      expect(swedish!.html).toContain('Vattenavbrott Skolgatan 1');
      const unsubscribe = /^List-Unsubscribe: <([^>]+)>$/.exec(headerLine(swedish!, 'list-unsubscribe'))![1]!;
      expect(unsubscribe).toMatch(
        new RegExp(`^${PUBLIC_URL}/api/t/${tenant.slug}/unsubscribe\\?t=[\\w-]+\\.[0-9a-f]{32}$`),
      );
      expect(headerLine(swedish!, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(swedish!.html).toContain(unsubscribe);

      // Fetching the link (a person, or a mail scanner) only shows a page; the one-click POST unsubscribes.
      const path = unsubscribe.slice(PUBLIC_URL.length);
      const page = await app.inject({ url: path });
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('anna@example.fi');
      const forged = await app.inject({
        method: 'POST',
        url: path.replace(/\.[0-9a-f]{32}$/, `.${'0'.repeat(32)}`),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(forged.statusCode).toBe(400);
      expect(forged.json()).toMatchObject({ errors: [{ field: 't' }] });
      const other = await buildTown(context);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: path.replace(`/t/${tenant.slug}/`, `/t/${other.slug}/`),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'List-Unsubscribe=One-Click',
          })
        ).statusCode,
      ).toBe(400);
      const done = await app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toEqual({ unsubscribed: true, removed: 1 });

      // Gone from the contact (what the portal lists), audited, and the next notice goes to Matti only.
      const endpoints = await context.db.kysely
        .selectFrom('contact_endpoints')
        .select('value')
        .where('tenant_id', '=', tenant.id)
        .execute();
      expect(endpoints.map((e) => e.value)).toEqual(['matti@example.fi']);
      const audit = await context.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'actor_type'])
        .where('tenant_id', '=', tenant.id)
        .where('action', '=', 'endpoint.unsubscribe')
        .execute();
      expect(audit).toEqual([{ action: 'endpoint.unsubscribe', actor_type: 'resident' }]);
      await send('Toinen vuoto');
      await mailsFor('matti@example.fi', 2);
      expect(mailTo('anna@example.fi')).toHaveLength(1);
    });

    it('unsubscribes on the multipart/form-data one-click POST a mailbox provider sends, seen in the portal', async () => {
      const { app, context } = t;
      const tenant = await buildTown(context);
      const auth = await tokenHeaders(context, tenant);
      await addPerson(context, tenant, {
        language: 'fi',
        endpoints: [{ type: 'email', value: 'liisa@example.fi' }],
        addresses: ['kk-3'],
      });
      // The resident logs in to the portal with the PIN mailed to her.
      expect((await requestPin(app, tenant.slug, { email: 'liisa@example.fi' })).statusCode).toBe(202);
      const [pinMail] = await mailsFor('liisa@example.fi', 1);
      const pin = /\b(\d{4,8})\b/.exec(pinMail!.text ?? '')![1]!;
      const login = await submitPin(app, tenant.slug, { email: 'liisa@example.fi', pin });
      expect(login.statusCode, login.body).toBe(200);
      const session = sessionFor(app, tenant.slug, sessionCookieOf(login), login.json().csrfToken);
      const emailsInPortal = async () => {
        const me = await session.call('GET', '/me');
        expect(me.statusCode, me.body).toBe(200);
        return (me.json().endpoints as Array<{ type: string; value: string }>)
          .filter((e) => e.type === 'email')
          .map((e) => e.value);
      };
      expect(await emailsInPortal()).toEqual(['liisa@example.fi']);

      const incident = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers: auth,
        payload: {
          service: 'water',
          kind: 'sudden',
          title: 'Vuoto',
          streets: [{ street: 'Koulukatu', from: 3, to: 3 }],
        },
      });
      expect(incident.statusCode, incident.body).toBe(201);
      const message = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents/${incident.json().id}/messages`,
        headers: auth,
        payload: { kind: 'alert', texts: { fi: 'Vesikatko {address}.' } },
      });
      expect(message.statusCode, message.body).toBe(201);
      await context.dispatch.runtime.drain();
      const notice = (await mailsFor('liisa@example.fi', 2))[1]!;
      expect(headerLine(notice, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      const link = /^List-Unsubscribe: <([^>]+)>$/.exec(headerLine(notice, 'list-unsubscribe'))![1]!;

      // A body that is not multipart, or too large for one field, unsubscribes nobody.
      const url = link.slice(PUBLIC_URL.length);
      const field = (value: string) =>
        `--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n${value}\r\n--b--\r\n`;
      for (const [payload, status] of [
        [field('One-Click').slice(0, 60), 400],
        [field('x'.repeat(10_000)), 413],
      ] as const) {
        const refused = await app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'multipart/form-data; boundary=b' },
          payload,
        });
        expect(refused.statusCode, refused.body).toBe(status);
      }
      expect(await emailsInPortal()).toEqual(['liisa@example.fi']);

      // As a mailbox provider posts it (RFC 8058 §3.2): multipart/form-data holding List-Unsubscribe=One-Click.
      const form = new FormData();
      form.set('List-Unsubscribe', 'One-Click');
      const body = new Response(form);
      const done = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': body.headers.get('content-type')! },
        payload: Buffer.from(await body.arrayBuffer()),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toEqual({ unsubscribed: true, removed: 1 });
      expect(await emailsInPortal()).toEqual([]);
    });

    it('signs notices with DKIM over List-Unsubscribe and List-Unsubscribe-Post, as an independent verifier checks', async () => {
      const { app, context } = t;
      const tenant = await buildTown(context);
      const auth = await tokenHeaders(context, tenant);
      await addPerson(context, tenant, {
        endpoints: [{ type: 'email', value: 'dkim@example.fi' }],
        addresses: ['kk-4'],
      });
      const incident = await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents`,
        headers: auth,
        payload: {
          service: 'water',
          kind: 'sudden',
          title: 'Vuoto',
          streets: [{ street: 'Koulukatu', from: 4, to: 4 }],
        },
      });
      await app.inject({
        method: 'POST',
        url: `/api/t/${tenant.slug}/incidents/${incident.json().id}/messages`,
        headers: auth,
        payload: { kind: 'alert', texts: { fi: 'Vesikatko {address}.' } },
      });
      await context.dispatch.runtime.drain();
      const [mail] = await mailsFor('dkim@example.fi', 1);
      const lookups: string[] = [];
      const { results } = await dkimVerify(raw.get(mail!)!, {
        // DNS as a mail provider would ask it, answered with the test's record only.
        resolver: async (name: string, type: string) => {
          lookups.push(`${type} ${name}`);
          if (type === 'TXT' && name === 'aviso2026._domainkey.example.fi') return [[DKIM_RECORD]];
          throw Object.assign(new Error(`no ${type} ${name}`), { code: 'ENOTFOUND' });
        },
      });
      expect(lookups).toContain('TXT aviso2026._domainkey.example.fi');
      expect(results).toHaveLength(1);
      const [result] = results;
      expect(result!.status.result, result!.status.comment).toBe('pass');
      expect(result!.signingDomain).toBe('example.fi');
      expect(result!.selector).toBe('aviso2026');
      // The signature's h= tag: the headers it covers, the one-click pair among them (RFC 8058 §4).
      const signature = headerLine(mail!, 'dkim-signature').replace(/\s+/g, '');
      const signed = /[;:]h=([^;]+)/.exec(signature)![1]!.toLowerCase().split(':');
      expect(signed).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from', 'subject']));

      // A mail changed on its way (the unsubscribe link replaced) no longer passes.
      const tampered = raw.get(mail!)!.toString('latin1').replace('/unsubscribe?t=', '/unsubscribe?t=x');
      const again = await dkimVerify(Buffer.from(tampered, 'latin1'), {
        resolver: async () => [[DKIM_RECORD]],
      });
      expect(again.results[0]!.status.result).not.toBe('pass');
    });

    it('marks PIN emails Auto-Submitted too, without an unsubscribe link', async () => {
      const { app, context } = t;
      const tenant = await buildTown(context);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/t/${tenant.slug}/login/pin`,
            payload: { email: 'pin@example.fi' },
          })
        ).statusCode,
      ).toBe(202);
      const [mail] = await mailsFor('pin@example.fi', 1);
      expect(mail!.headers.get('auto-submitted')).toBe('auto-generated');
      expect(mail!.headerLines.map((h) => h.key)).not.toContain('list-unsubscribe');
      expect(mail!.html).toContain(tenant.name);
    });

    it("tries a greylisted address again after 2, 6, 14 and 30 minutes, and not past the message's validity", async () => {
      const { app, context, clock } = t;
      const start = Date.UTC(2026, 0, 12, 8);
      clock.set(start);
      const tenant = await buildTown(context);
      const auth = await tokenHeaders(context, tenant);
      await addPerson(context, tenant, {
        endpoints: [{ type: 'email', value: 'grey@example.fi' }],
        addresses: ['kk-5'],
      });
      await addPerson(context, tenant, {
        endpoints: [{ type: 'email', value: 'never@example.fi' }],
        addresses: ['kk-6'],
      });
      await addPerson(context, tenant, {
        endpoints: [{ type: 'email', value: 'never-short@example.fi' }],
        addresses: ['pk-5'],
      });
      const send = async (street: string) => {
        const incident = await app.inject({
          method: 'POST',
          url: `/api/t/${tenant.slug}/incidents`,
          headers: auth,
          payload: { service: 'water', kind: 'sudden', title: 'Vuoto', streets: [{ street, from: 5, to: 6 }] },
        });
        const message = await app.inject({
          method: 'POST',
          url: `/api/t/${tenant.slug}/incidents/${incident.json().id}/messages`,
          headers: auth,
          payload: { kind: 'alert', texts: { fi: 'Vesikatko {address}.' } },
        });
        expect(message.statusCode, message.body).toBe(201);
        return message.json().id as string;
      };
      const states = async (messageId: string) => {
        const rows = await context.db.kysely
          .selectFrom('deliveries as d')
          .innerJoin('messages as m', 'm.id', 'd.message_id')
          .innerJoin('incident_recipients as r', (j) =>
            j.onRef('r.incident_id', '=', 'm.incident_id').onRef('r.seq', '=', 'd.seq'),
          )
          .select(['r.endpoint', 'd.status', 'd.error'])
          .where('d.message_id', '=', messageId)
          .execute();
        return Object.fromEntries(rows.map((r) => [r.endpoint, `${r.status}: ${r.error ?? ''}`]));
      };
      const minutes = (address: string) => (tries.get(address) ?? []).map((at) => (at - start) / 60_000);
      const at = async (minute: number) => {
        clock.set(start + minute * 60_000);
        await context.dispatch.runtime.drain();
      };

      const first = await send('Koulukatu');
      const short = await send('Puistokatu');
      await at(0);
      expect(minutes('grey@example.fi')).toEqual([0]);
      expect(await states(first)).toMatchObject({
        'grey@example.fi': expect.stringMatching(/^queued: tried again later: .*451/),
      });
      // Puistokatu's message is valid for five minutes only: one more try fits (at 2), the next (at 6) does not.
      await context.db.kysely
        .updateTable('messages')
        .set({ expires_at: start + 5 * 60_000 })
        .where('id', '=', short)
        .execute();

      for (const minute of [1, 1.99]) {
        await at(minute);
        expect(minutes('grey@example.fi'), `at ${minute} min`).toEqual([0]);
      }
      await at(2);
      expect(minutes('grey@example.fi')).toEqual([0, 2]);
      expect(minutes('never-short@example.fi')).toEqual([0, 2]);
      expect((await states(short))['never-short@example.fi']).toMatch(
        /^failed: .*451.*not tried again: the message expires first/,
      );
      for (const minute of [5, 6, 13, 14]) await at(minute);
      expect(minutes('grey@example.fi')).toEqual([0, 2, 6, 14]);
      expect((await states(first))['grey@example.fi']).toMatch(/^sent/);
      expect(mailTo('grey@example.fi')).toHaveLength(1);

      await at(29);
      expect(minutes('never@example.fi')).toEqual([0, 2, 6, 14]);
      await at(30);
      expect(minutes('never@example.fi')).toEqual([0, 2, 6, 14, 30]);
      expect((await states(first))['never@example.fi']).toMatch(/^failed: .*451/);
      await at(90);
      expect(minutes('never@example.fi')).toHaveLength(5);
      expect(minutes('never-short@example.fi')).toHaveLength(2);
    });
  });
}
