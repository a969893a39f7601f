import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../../src/channels/channel.js';
import { smppProvider } from '../../src/channels/sms/smpp.provider.js';
import { splitSms, smsEncoding } from '../../src/channels/sms/sms-encoding.js';
import { startSmsc, type Smsc } from '../../src/channels/sms/smsc-simulator.js';
import { systemClock } from '../../src/lib/clock.js';
import { requireNetSmpp } from './net-smpp.js';
import { sendEach } from './send-each.js';

describe('SMS encoding', () => {
  it('keeps Finnish and Swedish letters in GSM-7; a dash or curly quote forces UCS-2', () => {
    expect(smsEncoding('Vesikatko Mänttä, Åbo, Öster, Üks')).toBe('GSM-7');
    expect(smsEncoding('Vesikatko klo 9–12')).toBe('UCS-2');
    expect(smsEncoding('”Vesi”')).toBe('UCS-2');
  });

  it('splits long texts into 153-septet (GSM-7) or 67-unit (UCS-2) parts, extension characters counting twice', () => {
    expect(splitSms('a'.repeat(160)).parts).toHaveLength(1);
    expect(splitSms('a'.repeat(161)).parts.map((p) => p.length)).toEqual([153, 8]);
    expect(splitSms('€'.repeat(80)).parts).toHaveLength(1);
    expect(splitSms('€'.repeat(81)).parts).toHaveLength(2);
    expect(splitSms('–'.repeat(70)).parts).toHaveLength(1);
    expect(splitSms('–'.repeat(71)).parts.map((p) => p.length)).toEqual([67, 4]);
  });
});

describe('SMPP provider against a real SMPP server on loopback', () => {
  let smsc: Smsc;
  beforeAll(async () => {
    smsc = await startSmsc(0, { systemId: 'aviso', password: 'pw', tps: 1000 });
  });
  afterAll(() => smsc.close());

  it('submits GSM-7 and UCS-2 texts, long ones concatenated, and turns receipts into delivered / failed', async () => {
    const provider = smppProvider(new URL(`smpp://aviso:pw@127.0.0.1:${smsc.port}?source=MantanVesi&tps=100&binds=2`), {
      clock: systemClock,
    });
    const receipts: DeliveryReceipt[] = [];
    provider.onReceipt!((r) => receipts.push(r));
    const long = 'Vesikatko Koulukatu 5, Mänttä: vesi on poikki huomenna 9.00-12.00 putkityön vuoksi. '.repeat(3);
    const results = await sendEach(provider, [
      { id: 'a', tenantId: 't', channel: 'sms', to: '+358401234567', text: 'Vesikatko huomenna, Åbo' },
      { id: 'b', tenantId: 't', channel: 'sms', to: '+358401234568', text: 'Lämpökatko klo 9–12' },
      { id: 'c', tenantId: 't', channel: 'sms', to: '+358401234569', text: long },
      { id: 'd', tenantId: 't', channel: 'sms', to: '+358401230000', text: 'ei perille' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    await expect.poll(() => receipts.length, { timeout: 5000 }).toBe(4);

    const byTo = new Map(smsc.messages.map((m) => [m.to, m]));
    expect(byTo.get('358401234567')).toMatchObject({
      from: 'MantanVesi',
      text: 'Vesikatko huomenna, Åbo',
      dataCoding: 0,
    });
    expect(byTo.get('358401234568')).toMatchObject({ text: 'Lämpökatko klo 9–12', dataCoding: 8 });
    expect(byTo.get('358401234569')).toMatchObject({ text: long, parts: 2 });

    const status = new Map(receipts.map((r) => [r.providerId, r]));
    expect(status.get(results[0]!.providerId!)?.status).toBe('delivered');
    expect(status.get(results[2]!.providerId!)?.status).toBe('delivered');
    expect(status.get(results[3]!.providerId!)).toMatchObject({ status: 'failed', error: 'UNDELIV err:001' });
    await provider.close!();
  });

  it('never gives a message id twice, not even after a restart on the same port', async () => {
    const send = async (port: number) => {
      const provider = smppProvider(new URL(`smpp://aviso:pw@127.0.0.1:${port}?source=MantanVesi`), {
        clock: systemClock,
      });
      const results = await sendEach(
        provider,
        ['1', '2'].map((n) => ({ id: n, tenantId: 't', channel: 'sms' as const, to: `+35840123456${n}`, text: n })),
      );
      await provider.close!();
      return results.map((r) => r.providerId);
    };
    const before = await startSmsc(0, { systemId: 'aviso', password: 'pw' });
    const port = before.port;
    const first = await send(port);
    await before.close();
    const after = await startSmsc(port, { systemId: 'aviso', password: 'pw' });
    const second = await send(port);
    await after.close();
    const ids = [...first, ...second];
    expect(ids.every((id) => typeof id === 'string' && id.startsWith('sim-'))).toBe(true);
    expect(new Set(ids).size).toBe(4);
  });

  it('reports a refused bind and throttling as retryable failures', async () => {
    const wrong = smppProvider(new URL(`smpp://aviso:nope@127.0.0.1:${smsc.port}`), { clock: systemClock });
    const refused = await wrong.send({ id: 'x', tenantId: 't', channel: 'sms', to: '+358401234567', text: 'x' });
    expect(refused).toMatchObject({ status: 'failed', retryable: true });
    expect(refused.error).toContain('bind refused');
    await wrong.close!();

    const slow = await startSmsc(0, { tps: 2 });
    const provider = smppProvider(new URL(`smpp://a:b@127.0.0.1:${slow.port}`), { clock: systemClock });
    const results = await sendEach(
      provider,
      ['1', '2', '3', '4'].map((id) => ({ id, tenantId: 't', channel: 'sms' as const, to: '+358401234567', text: id })),
    );
    expect(
      results.filter((r) => r.status === 'failed').every((r) => r.retryable && r.error?.includes('ESME_RTHROTTLED')),
    ).toBe(true);
    expect(results.filter((r) => r.status === 'failed').length).toBeGreaterThanOrEqual(2);
    await provider.close!();
    await slow.close();
  });
});

describe('failover between SMS providers', () => {
  it('sends through the backup SMSC when the primary refuses the bind, and not for a final refusal', async () => {
    const { failoverProvider } = await import('../../src/channels/failover.provider.js');
    const primary = await startSmsc(0, { systemId: 'other' });
    const backup = await startSmsc(0);
    const provider = failoverProvider([
      smppProvider(new URL(`smpp://aviso:pw@127.0.0.1:${primary.port}`), { clock: systemClock }),
      smppProvider(new URL(`smpp://aviso:pw@127.0.0.1:${backup.port}`), { clock: systemClock }),
    ]);
    const [result] = await sendEach(provider, [
      { id: 'f1', tenantId: 't', channel: 'sms', to: '+358401234567', text: 'varalla' },
    ]);
    expect(result).toMatchObject({ status: 'sent', provider: `smpp://aviso@127.0.0.1:${backup.port}` });
    expect(result!.failover).toMatch(
      new RegExp(`^smpp://aviso@127.0.0.1:${primary.port}: no SMPP bind .*bind refused \\(ESME_RBINDFAIL\\)`),
    );
    expect(primary.messages).toHaveLength(0);
    expect(backup.messages.map((m) => m.text)).toEqual(['varalla']);
    await provider.close!();
    await primary.close();
    await backup.close();
  });
});

describe('aviso smsc against a Net::SMPP client (binds as Kannel does: a transmitter and a receiver)', () => {
  it('accepts both binds, answers submit_sm, query_sm, enquire_link, unbind and generic_nack, and sends IA5 receipts with TLVs on the receiver', async () => {
    requireNetSmpp();
    const smsc = await startSmsc(0, { systemId: 'kannel', password: 'pw' });
    const script = fileURLToPath(new URL('./peers/net-smpp-client.pl', import.meta.url));
    // Asynchronously: the simulator answers from this process's event loop.
    const { stdout } = await promisify(execFile)('perl', [script, String(smsc.port), 'kannel', 'pw'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    await smsc.close();
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const of = (name: string) => events.filter((e) => e.event === name);
    expect(of('bound').map((e) => e.kind)).toEqual(['transmitter', 'receiver']);
    expect(of('submit_sm_resp').map((e) => e.status)).toEqual([0, 0, 0]);
    expect(of('enquire_link_resp')).toEqual([{ event: 'enquire_link_resp', status: 0 }]);
    expect(smsc.messages.map((m) => [m.to, m.text, m.dataCoding])).toEqual([
      ['358401234567', 'Vesikatko ä', 0],
      ['358401234568', '9–12', 8],
      ['358401230000', 'ei perille', 0],
    ]);
    const receipts = of('receipt');
    expect(receipts).toHaveLength(3);
    for (const receipt of receipts) {
      // Plain IA5 text (data_coding 1) that says what the TLVs say, whatever the message's own coding was.
      expect(receipt).toMatchObject({ esm_class: 4, data_coding: 1 });
      expect(String(receipt.text)).toMatch(/^[\x20-\x7e]*$/);
      expect(String(receipt.text)).toContain(`id:${String(receipt.receipted_message_id)} `);
    }
    expect(receipts.map((r) => r.message_state)).toEqual([2, 2, 5]);
    expect(String(receipts[1]!.text)).toContain('stat:DELIVRD');
    expect(String(receipts[2]!.text)).toContain('stat:UNDELIV');
    const [first] = of('submit_sm_resp')
      .map((e) => String(e.message_id))
      .sort();
    expect(of('query_sm_resp')[0]).toMatchObject({ status: 0, message_id: first, message_state: 2 });
    expect(of('answer_to_unknown')[0]).toEqual({
      event: 'answer_to_unknown',
      command_id: '0x80000000',
      status: 3,
      seq: 777,
    });
    expect(of('unbind_resp').map((e) => e.status)).toEqual([0, 0]);
  });
});
