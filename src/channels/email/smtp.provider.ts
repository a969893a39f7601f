/**
 * Email over SMTP with nodemailer: `smtp://user:pass@host:port?from=alerts@example.fi&rate=50`
 * (`smtps://` for implicit TLS). A pooled connection; SMTP has no delivery receipts, so an accepted
 * message is `sent`, a refused one `failed` with the server's answer. Every mail is `Auto-Submitted:
 * auto-generated` with a text and an HTML part; a notice carries `List-Unsubscribe` with one-click POST.
 * With a DKIM key, every mail is signed, the signature covering the unsubscribe headers: mailbox providers
 * offer one-click unsubscribe only when it does (RFC 8058 §4).
 */
import nodemailer from 'nodemailer';
import type { DkimSetting } from '../../config.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../channel.js';
import { emailBody } from './email-body.js';

/**
 * The headers the DKIM signature covers when present: nodemailer's default set (RFC 6376 §5.4.1's
 * recommendation), plus List-Unsubscribe-Post and Auto-Submitted.
 */
const DKIM_SIGNED_HEADERS = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'In-Reply-To',
  'References',
  'List-Id',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'Auto-Submitted',
].join(':');

export interface SmtpOptions {
  /** Sign every mail with this key (DKIM); unsigned without. */
  dkim?: DkimSetting | undefined;
}

export function smtpProvider(url: URL, options: SmtpOptions = {}): ChannelProvider {
  const from = url.searchParams.get('from') ?? `aviso@${url.hostname}`;
  const rate = Number(url.searchParams.get('rate') ?? 50);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    pool: true,
    maxConnections: Number(url.searchParams.get('connections') ?? 5),
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    // Loopback and closed networks often run SMTP without a certificate a public CA signed.
    tls: { rejectUnauthorized: url.searchParams.get('tls') !== 'insecure' },
    ...(options.dkim
      ? {
          dkim: {
            domainName: options.dkim.domain,
            keySelector: options.dkim.selector,
            privateKey: options.dkim.privateKey,
            headerFieldNames: DKIM_SIGNED_HEADERS,
          },
        }
      : {}),
  });

  async function send(message: OutboundMessage): Promise<SendResult> {
    try {
      const { text, html } = emailBody(message);
      const info = await transport.sendMail({
        from: message.from ? { name: message.from, address: from } : from,
        to: message.to,
        subject: message.subject ?? message.text.slice(0, 60),
        text,
        html,
        // RFC 8058 one-click unsubscribe (notices; a PIN has none); RFC 3834: no auto-replies to this.
        ...(message.unsubscribeUrl ? { list: { unsubscribe: message.unsubscribeUrl } } : {}),
        headers: {
          'X-Aviso-Message-Id': message.id,
          'Auto-Submitted': 'auto-generated',
          ...(message.unsubscribeUrl ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
        },
      });
      const refused = info.rejected.length > 0;
      return refused
        ? { id: message.id, status: 'failed', error: `refused: ${info.response}`, raw: info.response }
        : { id: message.id, providerId: info.messageId, status: 'sent', raw: info.response };
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; message: string };
      // 4xx answers and lost connections are temporary; 5xx are final. A 4xx (greylisting: "try again
      // later") is tried again minutes later, as mail servers do; a lost connection at once.
      const retryable = e.responseCode === undefined || e.responseCode < 500;
      const retryLater = e.responseCode !== undefined && e.responseCode >= 400 && e.responseCode < 500;
      return {
        id: message.id,
        status: 'failed',
        error: e.response ?? e.message,
        retryable,
        retryLater,
        raw: e.response,
      };
    }
  }

  return {
    name: 'smtp',
    channel: 'email',
    maxPerSecond: rate,
    send,
    /** Connects and logs in (when the URL has a user), as a send would; nothing is sent. */
    async health() {
      const server = `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 25)}`;
      try {
        await transport.verify();
        return { ok: true, detail: `SMTP ${server} accepts a connection${url.username ? ' and the login' : ''}` };
      } catch (error) {
        const e = error as { response?: string; message: string };
        return { ok: false, detail: `SMTP ${server}: ${e.response ?? e.message}` };
      }
    },
    close: async () => transport.close(),
  };
}
