/**
 * One TCP connection speaking SMPP: the bytes read are cut into PDUs (`readPdu`), each request written
 * is numbered and its response handed to the request's callback, and every request from the other side
 * goes to `onRequest`. It takes the place of the smpp library's Session, which reads each PDU with two
 * stream reads and a copy and keeps a closure and an event per PDU written — at thousands of messages a
 * second a share of the sender's CPU; PDUs are still encoded by the library where Aviso does not (bind,
 * unbind, enquire_link, generic_nack).
 */
import { connect, type Socket } from 'node:net';
import smpp, { type PDU } from 'smpp';
import { readPdu } from './smpp-incoming.js';
import { HEADER_BYTES } from './smpp-pdus.js';

const LAST_SEQUENCE_NUMBER = 0x7fffffff;

export interface LinkHandlers {
  onConnect(): void;
  /** A request from the other side (an answer to none of ours). */
  onRequest(pdu: PDU): void;
  /** The link is broken (unreadable bytes, a socket error); the socket is closed with it. */
  onError(error: Error): void;
  onClose(): void;
}

export class SmppLink {
  readonly socket: Socket;
  private sequence = 0;
  private readonly responses = new Map<number, (pdu: PDU) => void>();
  /** The start of a PDU whose remaining bytes have not arrived yet. */
  private unread: Buffer | undefined;
  private handlers: LinkHandlers;

  constructor(address: { host: string; port: number }, handlers: LinkHandlers) {
    this.handlers = handlers;
    this.socket = connect(address);
    // Every PDU is small and answered: Nagle's wait for the previous one's ACK only stalls the window.
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => this.handlers.onConnect());
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (error) => this.handlers.onError(error));
    this.socket.on('close', () => this.handlers.onClose());
  }

  /**
   * Writes a PDU, numbering a request that has no number yet; false when the socket takes no more. The
   * PDUs written together leave in one segment: the socket is corked until the current run of promise
   * continuations has ended (a tick queued from one runs once they all have), so the submits that the
   * answers of one read freed go out together — with Nagle's algorithm off they would otherwise be one
   * system call and one packet each. Not later: work queued for the loop's later phases (receipts
   * matched, answers written to the database) would hold them back while the SMSC runs out of work.
   */
  send(pdu: PDU, onResponse?: (response: PDU) => void): boolean {
    const socket = this.socket;
    if (!socket.writable) return false;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    if (!pdu.isResponse()) {
      if (!pdu.sequence_number) {
        if (this.sequence === LAST_SEQUENCE_NUMBER) this.sequence = 0;
        pdu.sequence_number = ++this.sequence;
      }
      if (onResponse) this.responses.set(pdu.sequence_number, onResponse);
    }
    socket.write(pdu.toBuffer());
    return true;
  }

  /** Ends the connection after what was written; `onClosed` once it is closed. */
  end(onClosed: () => void): void {
    this.socket.once('close', onClosed);
    this.socket.end();
  }

  /** Closes at once and tells nobody: no handler is called for this link again. */
  abandon(): void {
    this.handlers = { onConnect() {}, onRequest() {}, onError() {}, onClose() {} };
    this.responses.clear();
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    const bytes = this.unread ? Buffer.concat([this.unread, chunk]) : chunk;
    this.unread = undefined;
    let offset = 0;
    while (bytes.length - offset >= 4) {
      const length = bytes.readUInt32BE(offset);
      if (length < HEADER_BYTES || length > smpp.PDU.maxLength) {
        this.fail(`an SMPP PDU of ${length} octets`);
        return;
      }
      if (bytes.length - offset < length) break;
      const pdu = readPdu(bytes.subarray(offset, offset + length));
      offset += length;
      if (!pdu) {
        this.fail('an unreadable SMPP PDU');
        return;
      }
      this.deliver(pdu);
      // A PDU's handler may have closed the link (an unbind, a refused bind): the rest is not read.
      if (this.socket.destroyed) return;
    }
    if (offset < bytes.length) this.unread = bytes.subarray(offset);
  }

  private deliver(pdu: PDU): void {
    if (!pdu.isResponse()) {
      this.handlers.onRequest(pdu);
      return;
    }
    const onResponse = this.responses.get(pdu.sequence_number);
    if (!onResponse) return;
    this.responses.delete(pdu.sequence_number);
    onResponse(pdu);
  }

  private fail(what: string): void {
    const { onError } = this.handlers;
    this.abandon();
    onError(new Error(`${what} from ${this.socket.remoteAddress ?? 'the SMSC'}`));
  }
}
