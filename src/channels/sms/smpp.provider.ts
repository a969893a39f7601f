/**
 * SMS over SMPP 3.4 to an operator or aggregator:
 * `smpp://system_id:password@host:port?source=SENDER&tps=N&binds=N&window=N&timeout=S&country=FI`.
 * `binds` transceiver sessions (exactly that many, ever) share the load, each with `window` outstanding
 * submits and `tps` messages per second (pacing is done by dispatch, shared by every process). Texts go
 * out GSM-7 (data_coding 0) or UCS-2 (8), long ones concatenated with UDH; a response that does not come
 * within `timeout` seconds, a lost link, throttling and a full queue are temporary failures; other
 * refusals are final, with their SMPP status name. Receipts (deliver_sm) are matched by this provider's
 * name and the SMSC's message id; any other deliver_sm is an SMS a resident sent (a reply, or STOP).
 */
import { randomInt } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js/max';
import type { PDU } from 'smpp';
import type { ChannelProvider, DeliveryReceipt, InboundSms, OutboundMessage, SendResult } from '../channel.js';
import type { Clock } from '../../lib/clock.js';
import { destinationAddress, originatorNumber, sourceAddress } from './smpp-address.js';
import { SmppBind } from './smpp-bind.js';
import { submitSmPdu } from './smpp-pdus.js';
import { isReceipt, parseReceipt } from './smpp-receipt.js';
import { isTemporarySmppStatus, smppStatusName } from './smpp-status.js';
import { smsPartBytes } from './sms-bytes.js';
import { splitSms } from './sms-encoding.js';

export interface SmppProviderDeps {
  clock: Clock;
  onEvent?(event: string, detail: string): void;
}

/** How long a health check waits for a bind (readiness gives each check 5 s). */
const HEALTH_WAIT_MS = 4000;

/** The URL's options with their defaults; `tps=0` means no limit. */
export function smppOptions(url: URL) {
  const number = (name: string, fallback: number, min: number): number => {
    const raw = url.searchParams.get(name);
    const value = raw === null ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`smpp URL: ${name} must be a number ≥ ${min}`);
    return value;
  };
  return {
    source: url.searchParams.get('source') ?? 'Aviso',
    country: (url.searchParams.get('country') ?? 'FI').toUpperCase() as CountryCode,
    tps: number('tps', 50, 0),
    binds: Math.floor(number('binds', 1, 1)),
    window: Math.floor(number('window', 10, 1)),
    timeoutMs: number('timeout', 10, 0.05) * 1000,
    enquireLinkMs: number('enquire', 30, 1) * 1000,
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `YYMMDDhhmmss000+` (SMPP 3.4 §7.1.1, absolute UTC) for a validity period. */
function smppTime(at: number): string {
  const d = new Date(at);
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}000+`;
}

interface EncodedText {
  dataCoding: number;
  parts: Buffer[];
}

/** Kept values: a notice goes to thousands with a handful of texts (one per language and address) from a sender or two. */
const KEPT = 256;

/** `make`, remembering what it made for the last few hundred keys. */
function remembered<V>(make: (key: string) => V): (key: string) => V {
  const kept = new Map<string, V>();
  return (key) => {
    let value = kept.get(key);
    if (value === undefined) {
      value = make(key);
      if (kept.size >= KEPT) kept.clear();
      kept.set(key, value);
    }
    return value;
  };
}

function textEncoder() {
  let validityOf: { at: number; text: string } | undefined;
  return {
    text: remembered((text): EncodedText => {
      const { encoding, parts } = splitSms(text);
      return { dataCoding: encoding === 'GSM-7' ? 0x00 : 0x08, parts: parts.map((p) => smsPartBytes(p, encoding)) };
    }),
    validity(at: number): string {
      if (validityOf?.at !== at) validityOf = { at, text: smppTime(at) };
      return validityOf.text;
    },
  };
}

export function smppProvider(url: URL, deps: SmppProviderDeps): ChannelProvider {
  const options = smppOptions(url);
  const systemId = decodeURIComponent(url.username);
  const name = `smpp://${systemId}@${url.hostname}:${url.port || 2775}`;
  const receiptHandlers: Array<(receipt: DeliveryReceipt) => void> = [];
  const inboundHandlers: Array<(sms: InboundSms) => void> = [];
  // Receipts come per part: a long text is delivered when every part is; part ids map to the first part's id.
  const partsOf = new Map<string, { first: string; remaining: number }>();
  const binds = Array.from(
    { length: options.binds },
    () =>
      new SmppBind({
        host: url.hostname,
        port: Number(url.port || 2775),
        systemId,
        password: decodeURIComponent(url.password),
        window: options.window,
        responseTimeoutMs: options.timeoutMs,
        enquireLinkMs: options.enquireLinkMs,
        backoffMs: { min: 500, max: 30_000 },
        onDeliver,
        onEvent: (event, detail) => deps.onEvent?.(event, `${name}: ${detail}`),
      }),
  );
  let next = 0;
  const encoder = textEncoder();
  // A provider sends as one or a few senders: each parsed (a number checked as a phone number) once.
  const sourceOf = remembered((sender) => sourceAddress(sender, options.country));

  /** A mobile-originated SMS: its text as the smpp library decoded it (GSM-7, Latin-1 or UCS-2). */
  function onMobileOriginated(pdu: PDU): void {
    const from = originatorNumber(Number(pdu.source_addr_ton ?? 0), String(pdu.source_addr ?? ''), options.country);
    if (!from) return;
    const raw = pdu.short_message as { message?: unknown } | string | Buffer | undefined;
    const message = raw && typeof raw === 'object' && !Buffer.isBuffer(raw) ? raw.message : raw;
    const text = Buffer.isBuffer(message) ? message.toString('latin1') : String(message ?? '');
    const sms: InboundSms = {
      provider: name,
      from,
      to: String(pdu.destination_addr ?? ''),
      text,
      receivedAt: deps.clock.now(),
    };
    for (const handler of inboundHandlers) handler(sms);
  }

  function onDeliver(pdu: PDU): void {
    if (!isReceipt(pdu.esm_class)) return onMobileOriginated(pdu);
    const parsed = parseReceipt(pdu as Record<string, unknown>, deps.clock.now());
    if (!parsed) return;
    const receipt: DeliveryReceipt = { ...parsed, provider: name };
    const parts = partsOf.get(receipt.providerId);
    if (parts) {
      partsOf.delete(receipt.providerId);
      if (receipt.status === 'delivered' && --parts.remaining > 0) return;
      receipt.providerId = parts.first;
    }
    for (const handler of receiptHandlers) handler(receipt);
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const bind = binds[next++ % binds.length]!;
    const { dataCoding, parts } = encoder.text(message.text);
    const source = sourceOf(message.from ?? options.source);
    const destination = destinationAddress(message.to);
    const reference = randomInt(256);
    const ids: string[] = [];
    // Registered as each part is accepted: a fast receipt for part 1 may arrive before part 2 is submitted.
    const group = { first: '', remaining: parts.length };
    for (let i = 0; i < parts.length; i++) {
      const udh = parts.length > 1 ? Buffer.from([0x05, 0x00, 0x03, reference, parts.length, i + 1]) : undefined;
      const outcome = await bind.request(
        submitSmPdu({
          source,
          destination,
          registeredDelivery: 1,
          dataCoding,
          ...(message.expiresAt ? { validityPeriod: encoder.validity(message.expiresAt) } : {}),
          ...(udh ? { udh } : {}),
          message: parts[i]!,
        }),
      );
      if (!outcome.ok) {
        // A text none of whose parts reached the SMSC was not tried: the SMSC was away.
        const attempted = outcome.written || ids.length > 0;
        return {
          id: message.id,
          provider: name,
          status: 'failed',
          error: outcome.error,
          retryable: true,
          attempted,
          raw: { parts_accepted: ids },
        };
      }
      const status = outcome.pdu.command_status;
      if (status !== 0) {
        const statusName = smppStatusName(status);
        return {
          id: message.id,
          provider: name,
          status: 'failed',
          error: `submit_sm refused: ${statusName}`,
          retryable: isTemporarySmppStatus(status),
          raw: { command_status: status, status_name: statusName, parts_accepted: ids },
        };
      }
      ids.push(String(outcome.pdu.message_id));
      group.first ||= ids[0]!;
      if (parts.length > 1) partsOf.set(ids[i]!, group);
    }
    return {
      id: message.id,
      provider: name,
      providerId: ids[0]!,
      status: 'sent',
      raw: { message_ids: ids, data_coding: dataCoding },
    };
  }

  return {
    name,
    channel: 'sms',
    maxPerSecond: options.tps > 0 ? options.tps * options.binds : Infinity,
    receiptSources: [name],
    send,
    onReceipt: (handler) => void receiptHandlers.push(handler),
    onInbound: (handler) => void inboundHandlers.push(handler),
    // Binds open on the first send or the first health check, whichever comes first, and then stay bound:
    // a server that only answers /readyz would otherwise report a healthy SMSC as down.
    async health() {
      const reasons = await Promise.all(binds.map((b) => b.awaitBound(HEALTH_WAIT_MS)));
      const bound = reasons.filter((r) => r === undefined).length;
      const why = reasons.find((r) => r !== undefined);
      return { ok: bound > 0, detail: `${name}: ${bound} of ${binds.length} binds up${why ? ` (${why})` : ''}` };
    },
    close: async () => void (await Promise.all(binds.map((b) => b.close()))),
  };
}
