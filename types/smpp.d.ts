// Types for smpp@0.5 (it ships none): only the parts Aviso uses.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  export interface PDU {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    response(fields?: Record<string, unknown>): PDU;
    isResponse(): boolean;
    /** The PDU's bytes; encoding its fields replaces them with their encoded form (short_message a Buffer). */
    toBuffer(): Buffer;
  }

  /** A PDU to send (command and fields), or one decoded from its bytes. */
  export const PDU: {
    new (command: string | Buffer, fields?: Record<string, unknown>): PDU;
    /** A whole PDU's bytes decoded; false when shorter than its header or its command_length. */
    fromBuffer(buffer: Buffer): PDU | false;
    /** The longest PDU the library reads. */
    maxLength: number;
  };

  /** The library's field filters; `message` decodes a short_message by the PDU's data_coding and esm_class. */
  export const filters: {
    message: {
      decode(this: { data_coding?: number; esm_class?: number }, value: Buffer, skipUdh?: boolean): unknown;
    };
  };

  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void): boolean;
    bind_transceiver(fields: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    submit_sm(fields: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    deliver_sm(fields: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    unbind(fields?: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    enquire_link(fields?: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export function connect(
    options: { url?: string; host?: string; port?: number; auto_enquire_link_period?: number },
    listener?: () => void,
  ): Session;
  export function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;

  export const errors: Record<string, number>;
  export const ESME_ROK: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RSUBMITFAIL: number;
  export const ESME_RINVDSTADR: number;
  export const ESME_RSYSERR: number;
  export const ESME_RINVCMDID: number;
  export const ESME_RINVMSGID: number;

  /** GSM 03.38 tables and their coder (`getCoder` builds a coder's lookup tables on first use). */
  export interface GsmCoder {
    getCoder(encoding?: number): unknown;
    /** GSM 03.38's default alphabet: the character of each septet value, in order. */
    GSM: { chars: string };
    decode(octets: Buffer, encoding?: number): string;
  }

  const smpp: {
    gsmCoder: GsmCoder;
    filters: typeof filters;
    connect: typeof connect;
    createServer: typeof createServer;
    PDU: typeof PDU;
    errors: Record<string, number>;
    ESME_ROK: number;
    ESME_RBINDFAIL: number;
    ESME_RTHROTTLED: number;
    ESME_RSUBMITFAIL: number;
    ESME_RINVDSTADR: number;
    ESME_RSYSERR: number;
    ESME_RINVCMDID: number;
    ESME_RINVMSGID: number;
  };
  export default smpp;
}
