/**
 * The parts of a notice email: plain text and HTML with the same words, signed with the sender's (the
 * tenant's) name, and, for notices, the unsubscribe link in the recipient's language. Pure.
 */
import { escapeHtml } from '../../lib/html.js';
import type { OutboundMessage } from '../channel.js';

const UNSUBSCRIBE: Record<string, string> = {
  fi: 'Et halua näitä ilmoituksia sähköpostiin? Peru ne:',
  sv: 'Vill du inte få dessa aviseringar per e-post? Avsluta dem:',
  en: 'Rather not get these notices by email? Unsubscribe:',
};

export interface EmailBody {
  text: string;
  html: string;
}

export function emailBody(message: Pick<OutboundMessage, 'text' | 'from' | 'language' | 'unsubscribeUrl'>): EmailBody {
  const unsubscribe = message.unsubscribeUrl ? (UNSUBSCRIBE[message.language ?? 'fi'] ?? UNSUBSCRIBE.fi!) : null;
  const signature = message.from ? `\n\n-- \n${message.from}` : '';
  const text = `${message.text}${signature}${unsubscribe ? `\n${unsubscribe} ${message.unsubscribeUrl}` : ''}\n`;
  const paragraphs = message.text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const html = [
    `<!doctype html><html${message.language ? ` lang="${escapeHtml(message.language)}"` : ''}><head><meta charset="utf-8"><title>${escapeHtml(message.from ?? '')}</title></head><body>`,
    message.from ? `<p><strong>${escapeHtml(message.from)}</strong></p>` : '',
    paragraphs,
    unsubscribe
      ? `<p style="color:#4f5863;font-size:0.9em">${escapeHtml(unsubscribe)} <a href="${escapeHtml(message.unsubscribeUrl!)}">${escapeHtml(message.unsubscribeUrl!)}</a></p>`
      : '',
    '</body></html>',
  ].join('\n');
  return { text, html };
}
