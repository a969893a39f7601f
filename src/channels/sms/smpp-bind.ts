/**
 * One SMPP 3.4 session to an SMSC, kept bound: exactly one socket at a time, reconnected with exponential
 * backoff and jitter when it drops, `enquire_link` answered (and sent while idle), any request it does
 * not handle answered with `generic_nack`. Requests go out through a window of outstanding PDUs; each
 * has a response timeout that frees its slot and reports a temporary failure, and a timed-out link is
 * torn down and bound anew (an SMSC that stopped answering is not waited for).
 */
import { randomInt } from 'node:crypto';
import smpp, { type PDU } from 'smpp';
import './smpp-gsm-coder.js';
import { SmppLink } from './smpp-link.js';
import { deliverSmRespPdu } from './smpp-pdus.js';
import { smppStatusName } from './smpp-status.js';

export interface BindOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** Outstanding requests at once on this session. */
  window: number;
  /** How long a request waits for its response. */
  responseTimeoutMs: number;
  /** Idle time after which an enquire_link checks the link. */
  enquireLinkMs: number;
  /** First and longest wait before binding again after a failure. */
  backoffMs: { min: number; max: number };
  /** A deliver_sm from the SMSC (already answered). */
  onDeliver(pdu: PDU): void;
  /** Link events worth a log line: bound, lost, refused. */
  onEvent?(event: 'bound' | 'lost' | 'refused' | 'timeout', detail: string): void;
}

/**
 * A request's outcome: the response, or why none came (always worth trying again elsewhere or later) and
 * whether the request was written to the SMSC at all.
 */
export type RequestOutcome = { ok: true; pdu: PDU } | { ok: false; error: string; written: boolean };

type State = 'idle' | 'connecting' | 'bound' | 'backoff' | 'closed';

/** A request written and not answered yet. */
interface Waiting {
  session: SmppLink;
  command: string;
  /** When it times out. */
  at: number;
  settled: boolean;
  fail(error: string): void;
}

// Requests an ESME answers itself; everything else the SMSC sends gets generic_nack.
const ANSWERED = new Set(['deliver_sm', 'enquire_link', 'unbind']);
// Requests with no response defined (SMPP 3.4 §4.12).
const UNANSWERED = new Set(['alert_notification', 'outbind']);

export class SmppBind {
  private state: State = 'idle';
  private session: SmppLink | undefined;
  private failures = 0;
  private lastError = '';
  private retryAt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastTraffic = 0;
  /**
   * Requests waiting for their responses, oldest first: every request has the same timeout, so one timer
   * for the oldest does for all (a timer per request costs more than the request at high rates).
   */
  private readonly waiting: Waiting[] = [];
  private timeoutTimer: NodeJS.Timeout | undefined;
  private boundWaiters: Array<(error?: string) => void> = [];
  private readonly slotWaiters: Array<() => void> = [];
  private outstanding = 0;

  constructor(private readonly options: BindOptions) {}

  /** Whether the session is bound now. */
  get bound(): boolean {
    return this.state === 'bound';
  }

  /**
   * For a health check: binds if the session was never opened (it stays bound afterwards) and waits up to
   * `waitMs` for the bind; undefined when bound, else why not (refused, unreachable, no answer in time).
   */
  async awaitBound(waitMs: number): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(
        () => resolve(`no SMPP bind to ${this.options.host}:${this.options.port} within ${waitMs / 1000} s`),
        waitMs,
      );
    });
    try {
      return await Promise.race([this.whenBound(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends one request and waits for its response (or the timeout, or the link's loss). */
  async request(pdu: PDU): Promise<RequestOutcome> {
    const ready = await this.whenBound();
    if (ready) return { ok: false, error: ready, written: false };
    await this.takeSlot();
    try {
      const session = this.session;
      if (this.state !== 'bound' || !session) return { ok: false, error: this.unavailable(), written: false };
      return await this.send(session, pdu);
    } finally {
      this.freeSlot();
    }
  }

  /** Unbinds (waiting briefly for unbind_resp) and closes; requests in flight end at once as failures. */
  async close(): Promise<void> {
    const session = this.session;
    const wasBound = this.state === 'bound';
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.idleTimer);
    this.settleWaiters('the SMPP client is shutting down');
    this.failInflight(session, 'the SMPP client is shutting down');
    if (!session) return;
    if (wasBound) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, Math.min(1000, this.options.responseTimeoutMs));
        if (!session.send(new smpp.PDU('unbind', {}), done)) done();
      });
    }
    // The SMSC may have gone meanwhile (the socket closed already fires no 'close' again): never wait past the timer.
    if (session.socket.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (session.abandon(), resolve()), 500);
      session.end(() => (clearTimeout(timer), resolve()));
    });
  }

  private unavailable(): string {
    const wait = Math.max(0, Math.ceil((this.retryAt - Date.now()) / 1000));
    return `no SMPP bind to ${this.options.host}:${this.options.port} (${this.lastError || 'not connected'}; next try in ${wait} s)`;
  }

  /** Undefined once bound; the reason when no bind can be had now (backing off after a failure, closing). */
  private whenBound(): Promise<string | undefined> {
    if (this.state === 'bound') return Promise.resolve(undefined);
    if (this.state === 'closed') return Promise.resolve('the SMPP client is shutting down');
    // While backing off, fail fast: a message waits in the queue, not in a socket that may never come.
    if (this.state === 'backoff') return Promise.resolve(this.unavailable());
    if (this.state === 'idle') this.connect();
    return new Promise((resolve) => this.boundWaiters.push(resolve));
  }

  private settleWaiters(error?: string): void {
    for (const waiter of this.boundWaiters.splice(0)) waiter(error);
  }

  private takeSlot(): Promise<void> {
    if (this.outstanding < this.options.window) {
      this.outstanding++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private freeSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.outstanding--;
  }

  private send(session: SmppLink, pdu: PDU): Promise<RequestOutcome> {
    return new Promise((resolve) => {
      let written = false;
      const request: Waiting = {
        session,
        command: pdu.command,
        at: Date.now() + this.options.responseTimeoutMs,
        settled: false,
        fail: (error) => settle({ ok: false, error, written }),
      };
      const settle = (outcome: RequestOutcome) => {
        if (request.settled) return;
        request.settled = true;
        this.dropAnswered();
        resolve(outcome);
      };
      this.waiting.push(request);
      this.timeoutTimer ??= this.armTimeout();
      written = session.send(pdu, (response) => settle({ ok: true, pdu: response }));
      if (!written) settle({ ok: false, error: 'the SMPP connection is closed', written: false });
      this.touch();
    });
  }

  /** Times out the oldest request when its time comes (and any due with it), then waits for the next. */
  private armTimeout(): NodeJS.Timeout | undefined {
    const oldest = this.waiting[0];
    if (!oldest) return undefined;
    return setTimeout(() => {
      const now = Date.now();
      while (this.waiting[0] && this.waiting[0].at <= now) {
        const due = this.waiting.shift()!;
        if (due.settled) continue;
        due.fail(`no ${due.command}_resp within ${this.options.responseTimeoutMs / 1000} s`);
        // An SMSC that stopped answering: bind anew rather than feed it more requests.
        this.options.onEvent?.('timeout', `${due.command} unanswered; binding again`);
        this.lose(due.session, `${due.command} unanswered`);
      }
      this.dropAnswered();
      // An expiry settles requests, which may have cleared or replaced the timer: exactly one stays armed.
      clearTimeout(this.timeoutTimer);
      this.timeoutTimer = this.armTimeout();
    }, oldest.at - Date.now());
  }

  /** Forgets answered requests at the head of the queue; no timer is left running for an empty one. */
  private dropAnswered(): void {
    while (this.waiting[0]?.settled) this.waiting.shift();
    if (this.waiting.length === 0 && this.timeoutTimer) {
      clearTimeout(this.timeoutTimer);
      this.timeoutTimer = undefined;
    }
  }

  private failInflight(session: SmppLink | undefined, error: string): void {
    if (!session) return;
    // A copy: a failure drops the answered requests at the list's head.
    for (const request of [...this.waiting]) if (request.session === session && !request.settled) request.fail(error);
  }

  private connect(): void {
    if (this.state === 'closed') return;
    this.state = 'connecting';
    const { host, port } = this.options;
    const session: SmppLink = new SmppLink(
      { host, port },
      {
        onConnect: () => this.onConnect(session, connectTimer),
        onRequest: (pdu) => this.onRequest(session, pdu),
        onError: (error) => this.lose(session, error.message),
        onClose: () => this.lose(session, 'connection closed'),
      },
    );
    this.session = session;
    const connectTimer = setTimeout(() => this.lose(session, 'connect timed out'), this.options.responseTimeoutMs);
  }

  /** Connected: binds as a transceiver. */
  private onConnect(session: SmppLink, connectTimer: NodeJS.Timeout): void {
    const { host, port } = this.options;
    clearTimeout(connectTimer);
    const bindTimer = setTimeout(() => this.lose(session, 'no bind_transceiver_resp'), this.options.responseTimeoutMs);
    session.send(
      new smpp.PDU('bind_transceiver', {
        system_id: this.options.systemId,
        password: this.options.password,
        interface_version: 0x34,
      }),
      (response) => {
        clearTimeout(bindTimer);
        if (this.session !== session || this.state === 'closed') return;
        if (response.command_status !== smpp.ESME_ROK) {
          const reason = `SMPP bind refused (${smppStatusName(response.command_status)})`;
          this.options.onEvent?.('refused', reason);
          this.lose(session, reason);
          return;
        }
        this.state = 'bound';
        this.failures = 0;
        this.lastError = '';
        this.options.onEvent?.('bound', `${host}:${port}`);
        this.touch();
        this.watchIdle(session);
        this.settleWaiters();
      },
    );
  }

  /** Answers what the SMSC asks of us (responses go to their requests' callbacks). */
  private onRequest(session: SmppLink, pdu: PDU): void {
    if (this.session !== session) return;
    this.touch();
    if (pdu.command === 'deliver_sm') {
      session.send(deliverSmRespPdu(pdu.sequence_number));
      this.options.onDeliver(pdu);
    } else if (pdu.command === 'enquire_link') {
      session.send(pdu.response());
    } else if (pdu.command === 'unbind') {
      session.send(pdu.response());
      this.lose(session, 'the SMSC unbound');
    } else if (!ANSWERED.has(pdu.command) && !UNANSWERED.has(pdu.command)) {
      session.send(
        new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: smpp.ESME_RINVCMDID }),
      );
    }
  }

  /** Notes traffic on the link (what `watchIdle` measures idleness from). */
  private touch(): void {
    this.lastTraffic = Date.now();
  }

  /** Keeps an idle link checked: an enquire_link once `enquireLinkMs` pass without traffic. */
  private watchIdle(session: SmppLink): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => {
        if (this.session !== session || this.state !== 'bound') return;
        if (Date.now() - this.lastTraffic >= this.options.enquireLinkMs)
          void this.send(session, new smpp.PDU('enquire_link', {}));
        this.watchIdle(session);
      },
      Math.max(0, this.lastTraffic + this.options.enquireLinkMs - Date.now()),
    );
    this.idleTimer.unref();
  }

  /** The session is gone or useless: close it, fail what waited on it, and bind again after a backoff. */
  private lose(session: SmppLink, reason: string): void {
    if (this.session !== session) return;
    this.session = undefined;
    clearTimeout(this.idleTimer);
    session.abandon();
    this.failInflight(session, `SMPP link lost: ${reason}`);
    if (this.state === 'closed') return;
    if (this.state === 'bound') this.options.onEvent?.('lost', reason);
    this.lastError = reason;
    this.failures++;
    // Exponential backoff with full jitter on its upper half: restarted SMSCs are not stormed by every client at once.
    const ceiling = Math.min(this.options.backoffMs.max, this.options.backoffMs.min * 2 ** (this.failures - 1));
    const delay = Math.round(ceiling / 2 + randomInt(Math.max(1, Math.round(ceiling / 2))));
    this.state = 'backoff';
    this.retryAt = Date.now() + delay;
    this.settleWaiters(this.unavailable());
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.reconnectTimer.unref();
  }
}
