/**
 * SMS over SMPP 3.4 to an operator or aggregator:
 * `smpp://system_id:password@host:port?source=SENDER&tps=N&binds=N`.
 * N transceiver binds share the load; texts are sent GSM-7 (data_coding 0) or UCS-2 (data_coding 8) with
 * UDH concatenation for long texts; delivery receipts (deliver_sm) are parsed and handed to dispatch.
 */
import { randomInt } from 'node:crypto';
import smpp, { type PDU, type Session } from 'smpp';
import type { DeliveryReceipt, ChannelProvider, OutboundMessage, SendResult } from '../channel.js';
import type { Clock } from '../../lib/clock.js';
import { isReceipt, parseReceipt } from './smpp-receipt.js';
import { splitSms } from './sms-encoding.js';

interface Bind {
  session: Session | undefined;
  ready: Promise<Session> | undefined;
}

const RECONNECT_MS = 2000;
const STATUS_NAMES: Record<number, string> = {
  [smpp.ESME_RTHROTTLED]: 'ESME_RTHROTTLED',
  [smpp.ESME_RINVDSTADR]: 'ESME_RINVDSTADR',
  [smpp.ESME_RSUBMITFAIL]: 'ESME_RSUBMITFAIL',
};

export function smppProvider(url: URL, clock: Clock): ChannelProvider {
  const source = url.searchParams.get('source') ?? 'Aviso';
  const tps = Number(url.searchParams.get('tps') ?? 50);
  const binds: Bind[] = Array.from({ length: Math.max(1, Number(url.searchParams.get('binds') ?? 1)) }, () => ({ session: undefined, ready: undefined }));
  const receiptHandlers: Array<(receipt: DeliveryReceipt) => void> = [];
  // Receipts come per part: a long text is delivered when every part is; part ids map to the first part's id.
  const partsOf = new Map<string, { first: string; remaining: number }>();
  let next = 0;
  let closing = false;

  function onReceipt(pdu: PDU): void {
    const receipt = parseReceipt(pdu as Record<string, unknown>, clock.now());
    if (!receipt) return;
    const parts = partsOf.get(receipt.providerId);
    if (parts) {
      partsOf.delete(receipt.providerId);
      if (receipt.status === 'delivered' && --parts.remaining > 0) return;
      receipt.providerId = parts.first;
    }
    for (const handler of receiptHandlers) handler(receipt);
  }

  function connect(bind: Bind): Promise<Session> {
    bind.ready = new Promise<Session>((resolve, reject) => {
      const session = smpp.connect({ url: `smpp://${url.hostname}:${url.port || 2775}`, auto_enquire_link_period: 30_000 });
      session.on('error', (error: Error) => reject(error));
      session.on('close', () => {
        bind.session = undefined;
        bind.ready = undefined;
        if (!closing) setTimeout(() => void connect(bind).catch(() => {}), RECONNECT_MS).unref();
      });
      session.on('deliver_sm', (pdu: PDU) => {
        session.send(pdu.response());
        if (isReceipt(pdu.esm_class)) onReceipt(pdu);
      });
      session.on('connect', () => {
        session.bind_transceiver({ system_id: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }, (pdu) => {
          if (pdu.command_status !== smpp.ESME_ROK) {
            reject(new Error(`SMPP bind refused (status ${pdu.command_status})`));
            session.close();
            return;
          }
          bind.session = session;
          resolve(session);
        });
      });
    });
    return bind.ready;
  }

  async function session(): Promise<Session> {
    const bind = binds[next++ % binds.length]!;
    if (bind.session) return bind.session;
    return bind.ready ?? connect(bind);
  }

  function submit(s: Session, fields: Record<string, unknown>): Promise<PDU> {
    return new Promise((resolve) => s.submit_sm(fields, resolve));
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const { encoding, parts } = splitSms(message.text);
    const dataCoding = encoding === 'GSM-7' ? 0x00 : 0x08;
    const reference = randomInt(256);
    const ids: string[] = [];
    // Registered as each part is accepted: a fast receipt for part 1 may arrive before part 2 is submitted.
    const group = { first: '', remaining: parts.length };
    try {
      const s = await session();
      for (let i = 0; i < parts.length; i++) {
        const udh = parts.length > 1 ? Buffer.from([0x05, 0x00, 0x03, reference, parts.length, i + 1]) : undefined;
        const pdu = await submit(s, {
          source_addr_ton: /^\d+$/.test(message.from ?? source) ? 1 : 5, // international number or alphanumeric
          source_addr: message.from ?? source,
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: message.to.replace(/^\+/, ''),
          registered_delivery: 1,
          data_coding: dataCoding,
          short_message: udh ? { udh, message: parts[i] } : parts[i],
        });
        if (pdu.command_status !== smpp.ESME_ROK) {
          const name = STATUS_NAMES[pdu.command_status] ?? `status 0x${pdu.command_status.toString(16)}`;
          return { id: message.id, status: 'failed', error: `submit_sm refused: ${name}`, retryable: pdu.command_status === smpp.ESME_RTHROTTLED, raw: { command_status: pdu.command_status } };
        }
        ids.push(String(pdu.message_id));
        group.first ||= ids[0]!;
        if (parts.length > 1) partsOf.set(ids[i]!, group);
      }
    } catch (error) {
      return { id: message.id, status: 'failed', error: (error as Error).message, retryable: true };
    }
    return { id: message.id, providerId: ids[0]!, status: 'sent', raw: { message_ids: ids, data_coding: dataCoding } };
  }

  return {
    name: 'smpp',
    channel: 'sms',
    maxPerSecond: tps,
    send,
    sendBatch: (messages) => Promise.all(messages.map(send)),
    onReceipt: (handler) => void receiptHandlers.push(handler),
    async close() {
      closing = true;
      await Promise.all(
        binds.map((b) => (b.session ? new Promise<void>((resolve) => b.session!.unbind({}, () => (b.session?.close(), resolve()))) : undefined)),
      );
    },
  };
}
