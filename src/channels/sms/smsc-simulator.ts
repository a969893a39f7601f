/**
 * A local SMSC for development and tests (`aviso smsc`): a real SMPP 3.4 server that accepts binds,
 * answers submit_sm, reassembles concatenated texts and sends delivery receipts. Numbers ending in 000
 * are undeliverable; more than `tps` submits per second are throttled, as real SMSCs do.
 */
import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';
import { formatReceipt } from './smpp-receipt.js';

export interface SimulatedSms {
  messageId: string;
  from: string;
  to: string;
  text: string;
  dataCoding: number;
  parts: number;
}

export interface SmscOptions {
  systemId?: string;
  password?: string;
  tps?: number;
  receiptDelayMs?: number;
  onMessage?: (sms: SimulatedSms) => void;
}

export interface Smsc {
  port: number;
  messages: SimulatedSms[];
  close(): Promise<void>;
}

function decodeText(pdu: PDU): { text: string; udh: Buffer | undefined } {
  const sm = pdu.short_message as { message?: string | Buffer; udh?: Buffer[] } | undefined;
  const message = sm?.message;
  const text = typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('utf16le') : '';
  return { text, udh: sm?.udh?.[0] };
}

export async function startSmsc(port = 0, options: SmscOptions = {}): Promise<Smsc> {
  const messages: SimulatedSms[] = [];
  const pending = new Map<string, string[]>();
  let counter = 0;
  let windowStart = Date.now();
  let inWindow = 0;

  const throttled = (): boolean => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    return ++inWindow > (options.tps ?? Infinity);
  };

  const receipt = (session: Session, sms: { messageId: string; to: string; from: string; text: string }, submitted: Date) => {
    const failed = sms.to.endsWith('000');
    setTimeout(() => {
      if (session.closed) return;
      session.deliver_sm({
        source_addr: sms.to,
        destination_addr: sms.from,
        esm_class: 0x04,
        short_message: formatReceipt(sms.messageId, failed ? 'UNDELIV' : 'DELIVRD', failed ? '001' : '000', submitted, new Date(), sms.text),
      });
    }, options.receiptDelayMs ?? 20).unref();
  };

  const server = smpp.createServer({}, (session) => {
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: PDU) => {
      const ok = (!options.systemId || pdu.system_id === options.systemId) && (!options.password || pdu.password === options.password);
      session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
      if (!ok) session.close();
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      if (throttled()) {
        session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
        return;
      }
      const messageId = `sim${++counter}`;
      session.send(pdu.response({ message_id: messageId }));
      const { text, udh } = decodeText(pdu);
      const from = String(pdu.source_addr);
      const to = String(pdu.destination_addr);
      let full = text;
      let parts = 1;
      if (udh && udh[0] === 0x00) {
        // Concatenation IE: [ref, total, seq].
        const key = `${from}>${to}#${udh[2]}`;
        const got = pending.get(key) ?? [];
        got[udh[4]! - 1] = text;
        pending.set(key, got);
        if (got.filter((p) => p !== undefined).length < udh[3]!) {
          receipt(session, { messageId, to, from, text }, new Date());
          return;
        }
        pending.delete(key);
        full = got.join('');
        parts = udh[3]!;
      }
      const sms = { messageId, from, to, text: full, dataCoding: Number(pdu.data_coding), parts };
      messages.push(sms);
      options.onMessage?.(sms);
      receipt(session, sms, new Date());
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of server.sessions ?? []) s.close();
        server.close(() => resolve());
      }),
  };
}
