/**
 * Live length of an SMS text: characters, encoding (GSM-7 or UCS-2) and parts — with the same rules
 * the server sends by (src/channels/sms/sms-encoding.ts, imported as is: one source for both).
 */
import { smsEncoding, splitSms } from '../../../../src/channels/sms/sms-encoding';
import { useT } from '../../shared/i18n';

/** Characters that force UCS-2, for the warning (en dash, curly quotes, emoji…). */
export function nonGsmCharacters(text: string): string[] {
  return [...new Set([...text].filter((c) => smsEncoding(c) === 'UCS-2'))];
}

export function smsFigures(text: string) {
  const { encoding, parts } = splitSms(text);
  return { encoding, segments: text ? parts.length : 0, characters: [...text].length };
}

export function SmsCounter({ text, id }: { text: string; id?: string }) {
  const t = useT();
  const { encoding, segments, characters } = smsFigures(text);
  const offending = nonGsmCharacters(text);
  return (
    <span id={id} class={encoding === 'UCS-2' ? 'sms-counter sms-counter--ucs2' : 'sms-counter'} data-segments={segments} data-encoding={encoding}>
      {t('admin.compose.counter', { characters, encoding, count: segments })}
      {offending.length ? ` ${t('admin.compose.ucs2', { characters: offending.join(' ') })}` : ''}
    </span>
  );
}
