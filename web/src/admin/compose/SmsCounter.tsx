/**
 * Live length of an SMS text: characters, encoding (GSM-7 or UCS-2) and parts of the text as it will be
 * sent — after the server's normalisation (an en dash goes out as a hyphen) — with the same rules the
 * server sends by (src/channels/sms/, imported as is: one source for both); and the link rule while typing.
 */
import { smsEncoding, smsFigures } from '../../../../src/channels/sms/sms-encoding';
import { containsLink, normaliseForSms } from '../../../../src/channels/sms/sms-normalise';
import { useT } from '../../shared/i18n';

/** Characters that force UCS-2 even after normalisation, for the warning (emoji, Cyrillic…). */
export function nonGsmCharacters(text: string): string[] {
  return [...new Set([...text].filter((c) => smsEncoding(c) === 'UCS-2'))];
}

/** The figures of `text` as it will be sent: normalised first, as the server does. */
export function sentFigures(text: string) {
  const sent = normaliseForSms(text);
  return { ...smsFigures(sent.text), replaced: sent.replaced, sent: sent.text };
}

export function SmsCounter({ text, id, allowLinks = true }: { text: string; id?: string; allowLinks?: boolean }) {
  const t = useT();
  const { encoding, segments, characters, replaced, sent } = sentFigures(text);
  const offending = nonGsmCharacters(sent);
  const link = !allowLinks && containsLink(text);
  return (
    <span
      id={id}
      class={encoding === 'UCS-2' || link ? 'sms-counter sms-counter--ucs2' : 'sms-counter'}
      data-segments={segments}
      data-encoding={encoding}
      data-link={link || undefined}
    >
      {t('admin.compose.counter', { characters, encoding, count: segments })}
      {replaced.length ? ` ${t('admin.compose.replaced', { characters: replaced.join(' ') })}` : ''}
      {offending.length ? ` ${t('admin.compose.ucs2', { characters: offending.join(' ') })}` : ''}
      {link ? ` ${t('problems.text-links')}` : ''}
    </span>
  );
}
