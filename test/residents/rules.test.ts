/** The pure rules of the contact data manager: business ids, dates of birth, phone numbers, the PIN message. */
import { describe, expect, it } from 'vitest';
import { pinSpeech, pinText } from '../../src/modules/auth/pin-message.js';
import {
  luhnValid,
  parseBusinessId,
  parseOrganisationsnummer,
  parseYTunnus,
  yTunnusCheckDigit,
} from '../../src/modules/residents/business-id.js';
import { parseBirthDate } from '../../src/modules/residents/contact.rules.js';
import { parseEndpoint, parseLoginEndpoint, parsePhone, phonePolicyOf } from '../../src/modules/auth/endpoint.parse.js';
import { languageCountry } from '../../src/modules/tenants/tenant.country.js';
import { DEFAULT_SETTINGS } from '../../src/modules/tenants/tenant.types.js';

describe('Finnish Y-tunnus', () => {
  it.each([
    ['0112038-9', '0112038-9'],
    ['112038-9', '0112038-9'],
    ['1572860-0', '1572860-0'],
    [' 1234567-1 ', '1234567-1'],
  ])('accepts %s', (input, canonical) => expect(parseYTunnus(input)).toEqual({ country: 'FI', value: canonical }));

  it.each(['0112038-8', '01120389', '0112038-', 'ABCDEFG-1', '12345678-1'])('refuses %s', (input) =>
    expect(parseYTunnus(input)).toBeUndefined(),
  );

  it('refuses every check digit for a body whose remainder is 1 (never issued)', () => {
    const body = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(7, '0')).find(
      (b) => yTunnusCheckDigit(b) === undefined,
    )!;
    expect(body).toBeDefined();
    for (let d = 0; d <= 9; d++) expect(parseYTunnus(`${body}-${d}`)).toBeUndefined();
  });
});

describe('Swedish organisationsnummer', () => {
  it.each([
    ['556012-5790', '556012-5790'],
    ['5560125790', '556012-5790'],
    ['165560125790', '556012-5790'],
    ['556036-0793', '556036-0793'],
  ])('accepts %s', (input, canonical) =>
    expect(parseOrganisationsnummer(input)).toEqual({ country: 'SE', value: canonical }),
  );

  it.each(['556012-5791', '55601-25790', '556012579', '195560125790'])('refuses %s', (input) =>
    expect(parseOrganisationsnummer(input)).toBeUndefined(),
  );

  it('is a Luhn check', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });

  it('tells the two apart', () => {
    expect(parseBusinessId('0112038-9')?.country).toBe('FI');
    expect(parseBusinessId('556012-5790')?.country).toBe('SE');
    expect(parseBusinessId('nonsense')).toBeUndefined();
  });
});

describe('dates of birth', () => {
  const today = Date.UTC(2030, 0, 15);
  it('reads YYYYMMDD and YYYY-MM-DD', () => {
    expect(parseBirthDate('19800131', today)).toBe('1980-01-31');
    expect(parseBirthDate('2000-02-29', today)).toBe('2000-02-29');
  });
  it.each(['1980-02-30', '19000229', '2030-13-01', '2031-01-01', '1899-12-31', '31.1.1980'])(
    'refuses %s naming birthDate',
    (input) => {
      expect(() => parseBirthDate(input, today)).toThrow(/^birthDate: /);
    },
  );
});

const MANTTA_BBOX = [24.52, 61.93, 24.72, 62.13] as const;
const FINNISH = phonePolicyOf({ languages: ['fi'], settings: DEFAULT_SETTINGS, bbox: MANTTA_BBOX });

describe('phone numbers and emails', () => {
  it('stores E.164 and tells mobiles from landlines', () => {
    expect(parsePhone('040 123 4567', 'FI', 'phone')).toEqual({ type: 'mobile', value: '+358401234567' });
    expect(parsePhone('03-123 4567', 'FI', 'phone')).toEqual({ type: 'landline', value: '+35831234567' });
    expect(parsePhone('070-123 45 67', 'SE', 'phone')).toEqual({ type: 'mobile', value: '+46701234567' });
    expect(parsePhone('+358 40 123 4567', 'SE', 'phone')).toEqual({ type: 'mobile', value: '+358401234567' });
    expect(parseEndpoint(' Anna.Virtanen@Example.FI', FINNISH, 'value')).toEqual({
      type: 'email',
      value: 'anna.virtanen@example.fi',
    });
  });

  it("reads national numbers in the country of the tenant's first language when its area lies outside the known countries", () => {
    const paris = [2.25, 48.75, 2.45, 48.95] as const;
    expect(languageCountry(['fi', 'sv'])).toBe('FI');
    expect(languageCountry(['sv', 'fi'])).toBe('SE');
    expect(languageCountry(['en'])).toBe('FI');
    expect(phonePolicyOf({ languages: ['sv'], settings: DEFAULT_SETTINGS, bbox: paris }).country).toBe('SE');
    expect(phonePolicyOf({ languages: ['sv'], settings: DEFAULT_SETTINGS, bbox: MANTTA_BBOX }).country).toBe('FI');
  });

  it('names the field of a bad value', () => {
    expect(() => parsePhone('0401', 'FI', 'value')).toThrow(/^value: not a valid phone number/);
    expect(() => parsePhone('040 CALL ME', 'FI', 'phone')).toThrow(/^phone: /);
    expect(() => parseEndpoint('a@b', FINNISH, 'value')).toThrow(/^value: not a valid email/);
    expect(() => parseLoginEndpoint({}, FINNISH)).toThrow(/^phone: /);
  });

  it("accepts the tenant's own mobiles and landlines only: no premium, shared-cost, personal, satellite or foreign ranges", () => {
    expect(parseLoginEndpoint({ phone: '040 123 4567' }, FINNISH)).toEqual({ type: 'mobile', value: '+358401234567' });
    expect(parseLoginEndpoint({ phone: '09 1234 5678' }, FINNISH)).toEqual({
      type: 'landline',
      value: '+358912345678',
    });
    const refused = [
      '+979 123456789',
      '+1 900 555 0123',
      '+44 909 879 0000',
      '0600 123 456',
      '0700 123 456',
      '0100 12345',
      '020 123 4567',
      '+46 900 123 456 7',
      '+7 912 345 6789',
      '+234 803 123 4567',
      '+882 16 1234 5678',
      '+883 5100 1234 5678',
      '+46 70 123 45 67',
      '+44 7911 123456',
    ];
    for (const phone of refused) {
      expect(() => parseLoginEndpoint({ phone }, FINNISH), phone).toThrow(
        expect.objectContaining({ code: 'phone-not-allowed', fields: [expect.objectContaining({ field: 'phone' })] }),
      );
    }
    // Premium-rate numbers are valid numbers all the same: only the policy refuses them.
    expect(parsePhone('0600 123 456', 'FI', 'phone').value).toBe('+358600123456');
  });

  it("follows the tenant's country and the countries and number types it allows", () => {
    const swedish = phonePolicyOf({
      languages: ['fi'],
      settings: { ...DEFAULT_SETTINGS, country: 'SE' },
      bbox: MANTTA_BBOX,
    });
    expect(parseLoginEndpoint({ phone: '070-123 45 67' }, swedish)).toEqual({ type: 'mobile', value: '+46701234567' });
    expect(() => parseLoginEndpoint({ phone: '+358 40 123 4567' }, swedish)).toThrow(/numbers of this country/);
    const nordic = phonePolicyOf({
      languages: ['fi'],
      settings: { ...DEFAULT_SETTINGS, phoneCountries: ['FI', 'SE'], phoneNumberTypes: ['MOBILE'] },
      bbox: MANTTA_BBOX,
    });
    expect(parseLoginEndpoint({ phone: '+46 70 123 45 67' }, nordic).value).toBe('+46701234567');
    expect(() => parseLoginEndpoint({ phone: '09 1234 5678' }, nordic)).toThrow(/this kind of number/);
  });
});

describe('the PIN message', () => {
  const input = { tenantName: 'Mäntän Vesi', code: '0427', purpose: 'login' as const, ttlMinutes: 10 };
  it('names the tenant and warns of smishing, in each language', () => {
    expect(pinText({ ...input, language: 'sv' }).text).toBe(
      'Mäntän Vesi: din inloggningskod är 0427. Koden gäller i 10 minuter. Mäntän Vesi ber aldrig om betal- eller bankuppgifter i meddelanden.',
    );
    expect(pinText({ ...input, language: 'en', purpose: 'verify' }).text).toMatch(
      /^Mäntän Vesi: your code to confirm disruption notices is 0427\. .*never asks for payment/,
    );
  });
  it('reads the digits one by one on a call, twice', () => {
    expect(pinSpeech({ ...input, language: 'fi' }).text).toContain(
      'Kirjautumiskoodisi on 0, 4, 2, 7. Toistan: 0, 4, 2, 7.',
    );
  });
  it('stays in the GSM 7-bit alphabet', () => {
    for (const language of ['fi', 'sv', 'en'] as const) {
      expect(pinText({ ...input, language }).text).toMatch(/^[A-Za-z0-9 .,:\-äöåÄÖÅ]+$/);
    }
  });
});
