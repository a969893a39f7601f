/** Message texts (variables, GSM-7 normalisation, footer, links, segments) and local-time rules. Pure. */
import { describe, expect, it } from 'vitest';
import { afterQuietHours, birthdayOf, inQuietHours, localDate } from '../../src/lib/local-time.js';
import { normaliseForSms, recipientText, renderTexts, smsFigures } from '../../src/modules/incidents/notice-text.js';

const quiet = { start: '21:00', end: '07:00', timeZone: 'Europe/Helsinki' };
const helsinki = (iso: string) => Date.parse(iso);
const options = {
  languages: ['fi', 'sv'] as const,
  context: {
    service: 'water' as const,
    startsAt: helsinki('2025-03-04T09:00:00+02:00'),
    endsAt: helsinki('2025-03-04T15:00:00+02:00'),
    tenantName: 'Mäntän Vesi',
  },
  footer: 'Mäntän Vesi, älä vastaa',
  allowLinks: false,
};

describe('message texts', () => {
  it('fills the variables per language, keeps {address} for each recipient, adds the footer', () => {
    const { texts } = renderTexts({ fi: '{service} {address} {start}–{end}. {tenant}' }, 'alert', {
      ...options,
      languages: ['fi', 'sv'],
    });
    expect(texts.fi).toBe('Vesikatko {address} 4.3. klo 9.00-4.3. klo 15.00. Mäntän Vesi\nMäntän Vesi, älä vastaa');
    // No Swedish text given: the Finnish one is used, with Swedish values.
    expect(texts.sv).toContain('Vattenavbrott');
    expect(recipientText(texts, 'sv', 'fi', 'Skolgatan 5')).toContain('Skolgatan 5');
  });

  it('turns typographic punctuation into GSM-7 and says so', () => {
    expect(normaliseForSms('“Katko” – huomenna’')).toEqual({
      text: '"Katko" - huomenna\'',
      replaced: ['“', '”', '–', '’'],
    });
    const { warnings, texts } = renderTexts({ fi: 'Katko – huomenna' }, 'alert', options);
    expect(warnings[0]).toMatch(/fi: typographic characters – were replaced/);
    expect(smsFigures(texts.fi!).encoding).toBe('GSM-7');
  });

  it('refuses links unless the tenant allows them, and unknown variables', () => {
    expect(() => renderTexts({ fi: 'Lue lisää https://evil.example.com' }, 'alert', options)).toThrow(
      /links are not allowed/,
    );
    expect(() => renderTexts({ fi: 'katso www.mantta.fi' }, 'alert', options)).toThrow(/links/);
    expect(
      renderTexts({ fi: 'Lue lisää https://mantta.fi' }, 'alert', { ...options, allowLinks: true }).texts.fi,
    ).toContain('https://mantta.fi');
    expect(() => renderTexts({ fi: 'Hei {name}' }, 'alert', options)).toThrow(/unknown variable \{name\}/);
  });

  it('counts segments: 160 GSM-7 characters in one, 161 in two, UCS-2 at 70', () => {
    expect(smsFigures('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsFigures('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(smsFigures('ж'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });
});

describe('local time', () => {
  it('takes today in Finland (UTC+2/+3), not in UTC', () => {
    expect(localDate(Date.parse('2025-06-14T21:30:00Z'))).toBe('2025-06-15');
    expect(localDate(Date.parse('2025-06-14T20:30:00Z'))).toBe('2025-06-14');
  });

  it('knows the 16th birthday', () => {
    expect(birthdayOf('2009-06-15', 16)).toBe('2025-06-15');
    expect(birthdayOf('2008-02-29', 16)).toBe('2024-02-29');
    expect(birthdayOf('2008-02-29', 17)).toBe('2025-02-28');
  });

  it('holds planned notices until quiet hours end, across midnight and daylight saving', () => {
    expect(inQuietHours(helsinki('2025-03-04T22:15:00+02:00'), quiet)).toBe(true);
    expect(inQuietHours(helsinki('2025-03-04T12:00:00+02:00'), quiet)).toBe(false);
    expect(afterQuietHours(helsinki('2025-03-04T22:15:30+02:00'), quiet)).toBe(helsinki('2025-03-05T07:00:00+02:00'));
    expect(afterQuietHours(helsinki('2025-03-05T06:59:00+02:00'), quiet)).toBe(helsinki('2025-03-05T07:00:00+02:00'));
    expect(afterQuietHours(helsinki('2025-03-04T12:00:00+02:00'), quiet)).toBe(helsinki('2025-03-04T12:00:00+02:00'));
    // Clocks go forward on 30 March 2025 at 03:00 → 04:00: 07:00 is then UTC+3.
    expect(afterQuietHours(helsinki('2025-03-29T23:00:00+02:00'), quiet)).toBe(helsinki('2025-03-30T07:00:00+03:00'));
    expect(afterQuietHours(helsinki('2025-10-25T23:00:00+03:00'), quiet)).toBe(helsinki('2025-10-26T07:00:00+02:00'));
  });
});
