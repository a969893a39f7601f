/**
 * A local SMSC for development and tests (`aviso smsc`): a real SMPP 3.4 server. It accepts transmitter,
 * receiver and transceiver binds, answers submit_sm, query_sm, enquire_link and unbind (generic_nack for
 * anything else), reassembles concatenated texts and sends delivery receipts on receiver and transceiver
 * binds of the same system_id (held until one is bound). Receipts carry the receipted_message_id and
 * message_state TLVs and the customary text in plain ASCII (data_coding 1, IA5), whatever the message's
 * own coding. Numbers ending in 000 are undeliverable; more than `tps` submits per second are throttled.
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
  sourceTon: number;
  sourceNpi: number;
}

export interface SmscOptions {
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 to be reached from other containers). */
  host?: string;
  systemId?: string;
  password?: string;
  tps?: number;
  receiptDelayMs?: number;
  onMessage?: (sms: SimulatedSms) => void;
}

export interface Smsc {
  port: number;
  messages: SimulatedSms[];
  /** Sessions bound now, by kind. */
  binds(): Array<'transmitter' | 'receiver' | 'transceiver'>;
  close(): Promise<void>;
}

type BindKind = 'transmitter' | 'receiver' | 'transceiver';
interface Receipt {
  messageId: string;
  from: string;
  to: string;
  text: string;
  submitted: Date;
}

// message_state values of SMPP 3.4 §5.2.28.
const DELIVERED = 2;
const UNDELIVERABLE = 5;
const REQUESTS = new Set([
  'bind_transmitter',
  'bind_receiver',
  'bind_transceiver',
  'submit_sm',
  'query_sm',
  'enquire_link',
  'unbind',
]);

function decodeText(pdu: PDU): { text: string; udh: Buffer | undefined } {
  const sm = pdu.short_message as { message?: string | Buffer; udh?: Buffer[] } | undefined;
  const message = sm?.message;
  const text = typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('utf16le') : '';
  return { text, udh: sm?.udh?.[0] };
}

/** Receipt text in IA5: what a client's parser matches, whatever the message's alphabet was. */
const ia5 = (text: string): Buffer =>
  Buffer.from(
    text
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/[@$_]/g, ' '),
    'ascii',
  );

/** When the last simulator of this process started (its ids' prefix): two never share one. */
let lastRun = 0;

export async function startSmsc(port = 0, options: SmscOptions = {}): Promise<Smsc> {
  const messages: SimulatedSms[] = [];
  const pending = new Map<string, string[]>();
  const bound = new Map<Session, { kind: BindKind; systemId: string }>();
  const states = new Map<string, { state: number; done: Date }>();
  const heldReceipts = new Map<string, Receipt[]>();
  let counter = 0;
  // Ids unique across restarts: receipts are matched by (provider, id), and deliveries an SMSC took before
  // it was restarted may still wait for theirs.
  lastRun = Math.max(Date.now(), lastRun + 1);
  const run = lastRun.toString(36);
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

  const receiverFor = (systemId: string): Session | undefined => {
    for (const [session, bind] of bound) if (bind.systemId === systemId && bind.kind !== 'transmitter') return session;
    return undefined;
  };

  function deliverReceipt(systemId: string, receipt: Receipt): void {
    const session = receiverFor(systemId);
    if (!session) {
      heldReceipts.set(systemId, [...(heldReceipts.get(systemId) ?? []), receipt]);
      return;
    }
    const failed = receipt.to.endsWith('000');
    const done = new Date();
    states.set(receipt.messageId, { state: failed ? UNDELIVERABLE : DELIVERED, done });
    const text = formatReceipt(
      receipt.messageId,
      failed ? 'UNDELIV' : 'DELIVRD',
      failed ? '001' : '000',
      receipt.submitted,
      done,
      receipt.text,
    );
    session.deliver_sm({
      source_addr: receipt.to,
      destination_addr: receipt.from,
      esm_class: 0x04,
      data_coding: 0x01,
      short_message: ia5(text),
      receipted_message_id: receipt.messageId,
      message_state: failed ? UNDELIVERABLE : DELIVERED,
    });
  }

  const scheduleReceipt = (systemId: string, receipt: Receipt) =>
    setTimeout(() => deliverReceipt(systemId, receipt), options.receiptDelayMs ?? 20).unref();

  function onBind(session: Session, pdu: PDU, kind: BindKind): void {
    const systemId = String(pdu.system_id);
    const ok =
      (!options.systemId || systemId === options.systemId) && (!options.password || pdu.password === options.password);
    session.send(pdu.response(ok ? { system_id: 'aviso-smsc' } : { command_status: smpp.ESME_RBINDFAIL }));
    if (!ok) return void session.close();
    bound.set(session, { kind, systemId });
    if (kind === 'transmitter') return;
    const held = heldReceipts.get(systemId) ?? [];
    heldReceipts.delete(systemId);
    for (const receipt of held) deliverReceipt(systemId, receipt);
  }

  function onSubmit(session: Session, pdu: PDU): void {
    const bind = bound.get(session);
    if (!bind || bind.kind === 'receiver')
      return void session.send(pdu.response({ command_status: 0x04 /* ESME_RINVBNDSTS */ }));
    if (throttled()) return void session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
    const messageId = `sim-${run}-${++counter}`;
    // Taken (stored, reported to onMessage) before it is acknowledged, as a store-and-forward SMSC does:
    // an SMSC that dies in between has not acknowledged it, so the client cannot count it as sent.
    const acknowledge = () => session.send(pdu.response({ message_id: messageId }));
    const { text, udh } = decodeText(pdu);
    const from = String(pdu.source_addr);
    const to = String(pdu.destination_addr);
    const submitted = new Date();
    let full = text;
    let parts = 1;
    if (udh && udh[0] === 0x00) {
      // Concatenation IE: [ref, total, seq].
      const key = `${from}>${to}#${udh[2]}`;
      const got = pending.get(key) ?? [];
      got[udh[4]! - 1] = text;
      pending.set(key, got);
      if (got.filter((p) => p !== undefined).length < udh[3]!) {
        acknowledge();
        scheduleReceipt(bind.systemId, { messageId, to, from, text, submitted });
        return;
      }
      pending.delete(key);
      full = got.join('');
      parts = udh[3]!;
    }
    const sms = {
      messageId,
      from,
      to,
      text: full,
      dataCoding: Number(pdu.data_coding),
      parts,
      sourceTon: Number(pdu.source_addr_ton),
      sourceNpi: Number(pdu.source_addr_npi),
    };
    messages.push(sms);
    options.onMessage?.(sms);
    acknowledge();
    scheduleReceipt(bind.systemId, { messageId, to, from, text: full, submitted });
  }

  function onQuery(session: Session, pdu: PDU): void {
    const state = states.get(String(pdu.message_id));
    if (!state) return void session.send(pdu.response({ command_status: smpp.ESME_RINVMSGID }));
    session.send(
      pdu.response({
        message_id: pdu.message_id,
        final_date: state.done,
        message_state: state.state,
        error_code: state.state === DELIVERED ? 0 : 1,
      }),
    );
  }

  const server = smpp.createServer({}, (session) => {
    session.on('error', () => {});
    session.on('close', () => bound.delete(session));
    session.on('bind_transmitter', (pdu: PDU) => onBind(session, pdu, 'transmitter'));
    session.on('bind_receiver', (pdu: PDU) => onBind(session, pdu, 'receiver'));
    session.on('bind_transceiver', (pdu: PDU) => onBind(session, pdu, 'transceiver'));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      bound.delete(session);
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => onSubmit(session, pdu));
    session.on('query_sm', (pdu: PDU) => onQuery(session, pdu));
    session.on('pdu', (pdu: PDU) => {
      if (pdu.isResponse() || REQUESTS.has(pdu.command)) return;
      session.send(
        new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: smpp.ESME_RINVCMDID }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, options.host ?? '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    binds: () => [...bound.values()].map((b) => b.kind),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of server.sessions ?? []) s.destroy();
        server.close(() => resolve());
      }),
  };
}
