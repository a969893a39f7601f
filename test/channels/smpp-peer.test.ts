/**
 * Aviso's SMPP client against an SMSC it did not write (Net::SMPP, Debian's libnet-smpp-perl): the link
 * kept alive, a stalled SMSC timed out, a restarted one re-bound with exactly the configured sessions,
 * and the bytes of GSM-7, UCS-2 and concatenated texts and the address fields checked on the peer's side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelProvider, DeliveryReceipt, OutboundMessage } from '../../src/channels/channel.js';
import { smppProvider } from '../../src/channels/sms/smpp.provider.js';
import { systemClock } from '../../src/lib/clock.js';
import { startNetSmppSmsc, until, type NetSmppSmsc } from './net-smpp.js';
import { sendEach } from './send-each.js';

const sms = (id: string, to: string, text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id,
  tenantId: 't',
  channel: 'sms',
  to,
  text,
  ...extra,
});

describe('SMPP client against the Net::SMPP SMSC', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  async function peer(options: Parameters<typeof startNetSmppSmsc>[0] = {}): Promise<NetSmppSmsc> {
    const smsc = await startNetSmppSmsc(options);
    cleanup.push(() => smsc.kill());
    return smsc;
  }
  function provider(port: number, query = ''): ChannelProvider {
    const p = smppProvider(new URL(`smpp://aviso:pw@127.0.0.1:${port}?source=MantanVesi${query}`), {
      clock: systemClock,
    });
    cleanup.push(() => p.close!());
    return p;
  }

  it('answers every enquire_link from the SMSC, and an unknown command with generic_nack', async () => {
    const smsc = await peer();
    const p = provider(smsc.port);
    expect((await p.send(sms('a', '+358401234567', 'hei'))).status).toBe('sent');
    for (let i = 0; i < 5; i++) smsc.command('enquire');
    await until(() => smsc.of('enquire_link_resp').length === 5);
    expect(smsc.of('enquire_link_resp').map((e) => e.status)).toEqual([0, 0, 0, 0, 0]);
    smsc.command('unknown');
    await until(() => smsc.of('generic_nack').length === 1);
    expect(smsc.of('generic_nack')[0]).toMatchObject({ seq: 4242, status: 3 /* ESME_RINVCMDID */ });
  });

  it('checks an idle link with enquire_link every `enquire` seconds, and keeps the one bind', async () => {
    const smsc = await peer();
    const p = provider(smsc.port, '&enquire=1');
    const sent = performance.now();
    expect((await p.send(sms('a', '+358401234567', 'hei'))).status).toBe('sent');
    await until(() => smsc.of('enquire_link').length >= 2);
    // Not before a second without traffic has passed; the first after the send's traffic, the next after the first.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(2000);
    expect(smsc.of('connect')).toHaveLength(1);
    expect(smsc.bound()).toBe(1);
    expect((await p.send(sms('b', '+358401234568', 'taas'))).status).toBe('sent');
  });

  it('a stalled SMSC: each submit times out as a retryable failure, its window slot freed, and the link is bound anew', async () => {
    const smsc = await peer({ mode: 'stall' });
    const p = provider(smsc.port, '&timeout=0.3&window=2');
    const started = performance.now();
    const results = await sendEach(
      p,
      ['1', '2', '3', '4', '5'].map((n) => sms(n, `+35840123456${n}`, `viesti ${n}`)),
    );
    expect(results.every((r) => r.status === 'failed' && r.retryable)).toBe(true);
    expect(results[0]!.error).toMatch(/no submit_sm_resp within 0.3 s/);
    // Settled in time: two in the window time out, the rest fail fast while the link is re-bound.
    expect(performance.now() - started).toBeLessThan(3000);
    await until(() => smsc.of('bind').length >= 2);

    smsc.command('normal');
    await until(() => smsc.of('command').length === 1);
    await expect
      .poll(async () => (await p.send(sms('6', '+358401234566', 'perillä'))).status, { timeout: 10_000, interval: 200 })
      .toBe('sent');
    expect(smsc.bound()).toBe(1);
  });

  it('closing while the SMSC dies during the unbind: closed within the unbind timeout, not waiting forever', async () => {
    const smsc = await peer();
    const p = smppProvider(new URL(`smpp://aviso:pw@127.0.0.1:${smsc.port}?source=MantanVesi&timeout=1`), {
      clock: systemClock,
    });
    expect((await p.send(sms('a', '+358401234567', 'hei'))).status).toBe('sent');
    smsc.command('mute');
    await until(() => smsc.of('command').length === 1);
    const started = performance.now();
    const closed = p.close!();
    // The unbind is written and left unanswered; the SMSC dies while the client waits for its answer.
    await until(() => smsc.of('ignored').some((e) => e.command === 'unbind'));
    await smsc.kill();
    await closed;
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('an SMSC killed and restarted mid-send: exactly the configured binds, every message taken', async () => {
    const first = await peer();
    const port = first.port;
    const p = provider(port, '&binds=2&timeout=1');
    const receipts: DeliveryReceipt[] = [];
    p.onReceipt!((r) => receipts.push(r));
    const batch = (from: number) =>
      Array.from({ length: 50 }, (_, i) =>
        sms(`m${from + i}`, `+3584010${String(from + i).padStart(5, '0')}`, `viesti ${from + i}`),
      );
    expect((await sendEach(p, batch(0))).every((r) => r.status === 'sent')).toBe(true);
    expect(first.bound()).toBe(2);

    await first.kill();
    const lost = await sendEach(p, batch(50));
    expect(lost.every((r) => r.status === 'failed' && r.retryable)).toBe(true);
    const second = await peer({ port });
    // Retried as dispatch retries: until taken. Backoff with jitter, never more sessions than configured.
    let pending = batch(50);
    for (let round = 0; pending.length > 0 && round < 100; round++) {
      const results = await sendEach(p, pending);
      pending = pending.filter((_, i) => results[i]!.status !== 'sent');
      if (pending.length) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pending).toEqual([]);
    await until(() => second.bound() === 2);
    expect(Math.max(...second.of('bound').map((e) => Number(e.count)))).toBe(2);
    expect(second.of('connect').length).toBe(2);
    const taken = () => [...first.of('submit'), ...second.of('submit')].map((e) => e.destination_addr);
    await until(() => new Set(taken()).size === 100);
    // Submits written before the kill and answered by the dead SMSC are not sent again; ones it never
    // answered are (at most the window of each bind).
    expect(taken().length - 100).toBeLessThanOrEqual(20);
    await until(() => receipts.length >= second.of('submit').length);
  });

  it('bytes on the wire: GSM-7 with its escapes, UCS-2, concatenation, address types, validity', async () => {
    const smsc = await peer();
    const p = provider(smsc.port, '&country=FI');
    const long = 'Vesikatko Koulukatu 5, Mänttä: vesi on poikki huomenna 9.00-12.00 putkityön vuoksi. '.repeat(2);
    const expiresAt = Date.UTC(2026, 11, 24, 18, 30, 0);
    const results = await sendEach(p, [
      sms('g', '+358401234567', 'ä ö å € [ ]', { expiresAt }),
      sms('u', '+358401234568', 'Klo 9–12'),
      sms('c', '+358401234569', long),
      sms('n', '+358401234570', 'numero', { from: '0401234567' }),
      sms('s', '+358401234571', 'lyhyt', { from: '16123' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    // The SMSC's log is read asynchronously: wait for its lines (six submits: one text is in two parts).
    await until(() => smsc.of('submit').length === 6);
    const byDestination = (to: string) => smsc.of('submit').filter((e) => e.destination_addr === to);

    const [gsm] = byDestination('358401234567');
    // GSM 03.38: ä 7B, ö 7C, å 0F, € ESC 65, [ ESC 3C, ] ESC 3E — one octet per septet, data_coding 0.
    expect(gsm).toMatchObject({
      data_coding: 0,
      short_message_hex: '7b207c200f201b65201b3c201b3e',
      validity_period: '261224183000000+',
    });
    expect(gsm).toMatchObject({
      source_addr: 'MantanVesi',
      source_addr_ton: 5,
      source_addr_npi: 0,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
    });
    expect(byDestination('358401234568')[0]).toMatchObject({
      data_coding: 8,
      short_message_hex: Buffer.from('Klo 9–12', 'utf16le').swap16().toString('hex'),
    });

    const parts = byDestination('358401234569');
    expect(parts).toHaveLength(2);
    for (const [i, part] of parts.entries()) {
      const hex = String(part.short_message_hex);
      expect(Number(part.esm_class) & 0x40).toBe(0x40);
      // UDH: length 5, IE 00 (concatenation, 8-bit reference), IE length 3, reference, total 2, this part.
      expect(hex.slice(0, 6)).toBe('050003');
      expect(hex.slice(8, 12)).toBe(`02${String(i + 1).padStart(2, '0')}`);
      expect(hex.slice(6, 8)).toBe(String(parts[0]!.short_message_hex).slice(6, 8));
    }
    expect(String(parts[0]!.short_message_hex).length / 2 - 6).toBe(153);

    expect(byDestination('358401234570')[0]).toMatchObject({
      source_addr: '358401234567',
      source_addr_ton: 1,
      source_addr_npi: 1,
    });
    expect(byDestination('358401234571')[0]).toMatchObject({
      source_addr: '16123',
      source_addr_ton: 3,
      source_addr_npi: 0,
    });
  });

  it('a final refusal keeps its SMPP status name and is not retried; receipts carry the provider they came from', async () => {
    const smsc = await peer();
    const p = provider(smsc.port);
    const receipts: DeliveryReceipt[] = [];
    p.onReceipt!((r) => receipts.push(r));
    const [refused, undeliverable] = await sendEach(p, [
      sms('r', '+358401234999', 'x'),
      sms('u', '+358401230000', 'y'),
    ]);
    expect(refused).toMatchObject({
      status: 'failed',
      retryable: false,
      error: 'submit_sm refused: ESME_RINVDSTADR',
      raw: { command_status: 0x0b, status_name: 'ESME_RINVDSTADR' },
    });
    await until(() => receipts.length === 1);
    expect(receipts[0]).toMatchObject({
      provider: `smpp://aviso@127.0.0.1:${smsc.port}`,
      providerId: undeliverable!.providerId,
      status: 'failed',
    });
  });
});
