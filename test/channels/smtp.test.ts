import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpProvider } from '../../src/channels/email/smtp.provider.js';
import { sendEach } from './send-each.js';

describe('SMTP email provider against a real SMTP server on loopback', () => {
  const received: ParsedMail[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth: (auth, _session, callback) =>
        auth.username === 'aviso' && auth.password === 's3cret'
          ? callback(null, { user: 'aviso' })
          : callback(new Error('bad login')),
      onRcptTo: (address, _session, callback) =>
        address.address.endsWith('@nowhere.invalid')
          ? callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }))
          : callback(),
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((mail) => (received.push(mail), callback()), callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends UTF-8 mail with the sender name, and reports a refused recipient with the server's reason", async () => {
    const provider = smtpProvider(new URL(`smtp://aviso:s3cret@127.0.0.1:${port}?from=hairiot@example.fi`));
    const ok = await provider.send({
      id: 'd1',
      tenantId: 't',
      channel: 'email',
      to: 'asukas@example.fi',
      from: 'Mäntän Vesi',
      subject: 'Vesikatko',
      text: 'Vesikatko Koulukatu 5:ssä klo 9–12.',
    });
    expect(ok).toMatchObject({ id: 'd1', status: 'sent' });
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toBe('Vesikatko');
    expect(received[0]!.text?.trim()).toBe('Vesikatko Koulukatu 5:ssä klo 9–12.\n\n-- \nMäntän Vesi');
    expect(received[0]!.html).toContain('<p>Vesikatko Koulukatu 5:ssä klo 9–12.</p>');
    expect(received[0]!.from?.value[0]).toEqual({ name: 'Mäntän Vesi', address: 'hairiot@example.fi' });
    expect(received[0]!.headers.get('x-aviso-message-id')).toBe('d1');

    const refused = await provider.send({
      id: 'd2',
      tenantId: 't',
      channel: 'email',
      to: 'ghost@nowhere.invalid',
      text: 'x',
    });
    expect(refused.status).toBe('failed');
    expect(refused.error).toContain('no such user');
    await provider.close!();
  });

  it('fails every message with the reason when the login is wrong', async () => {
    const provider = smtpProvider(new URL(`smtp://aviso:wrong@127.0.0.1:${port}?from=hairiot@example.fi`));
    const [result] = await sendEach(provider, [
      { id: 'd3', tenantId: 't', channel: 'email', to: 'a@example.fi', text: 'x' },
    ]);
    expect(result).toMatchObject({ id: 'd3', status: 'failed' });
    expect(result!.error).toMatch(/auth|login|535/i);
    await provider.close!();
  });
  it('reports its health: logged in, a wrong login, nobody listening', async () => {
    const good = smtpProvider(new URL(`smtp://aviso:s3cret@127.0.0.1:${port}`));
    expect(await good.health!()).toEqual({
      ok: true,
      detail: `SMTP 127.0.0.1:${port} accepts a connection and the login`,
    });
    const wrong = smtpProvider(new URL(`smtp://aviso:wrong@127.0.0.1:${port}`));
    const refused = await wrong.health!();
    expect(refused.ok).toBe(false);
    expect(refused.detail).toMatch(/^SMTP 127\.0\.0\.1:\d+: .*(auth|login|535)/i);
    // A port just closed: nothing listens there.
    const closed = new SMTPServer({});
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await smtpProvider(new URL(`smtp://127.0.0.1:${closedPort}`)).health!();
    expect(unreachable).toMatchObject({ ok: false });
    expect(unreachable.detail).toContain('ECONNREFUSED');
    await Promise.all([good.close!(), wrong.close!()]);
  });
});
