/**
 * The texts that carry a PIN: they name the tenant and say that it never asks for payment details (the
 * smishing warning of the source page). Kept to the GSM 7-bit alphabet (no curly quotes or dashes) so
 * that an SMS stays one 160-character segment for a tenant name of normal length. Pure.
 */
import type { Language } from '../tenants/tenant.types.js';
import type { PinPurpose } from './pin.repository.js';

export interface PinText {
  subject: string;
  text: string;
}

interface Words {
  login: string;
  verify: string;
  subjectLogin: string;
  subjectVerify: string;
  valid: (minutes: number) => string;
  warning: (tenant: string) => string;
  spokenIntro: (tenant: string) => string;
  spokenRepeat: string;
}

const WORDS: Record<Language, Words> = {
  fi: {
    login: 'kirjautumiskoodisi on',
    verify: 'vahvistuskoodi häiriötiedotteiden vastaanottoon on',
    subjectLogin: 'kirjautumiskoodi',
    subjectVerify: 'vahvistuskoodi',
    valid: (m) => `Koodi on voimassa ${m} minuuttia.`,
    warning: (t) => `${t} ei koskaan pyydä maksu- tai pankkitietoja viestillä.`,
    spokenIntro: (t) => `Tämä on ${t}.`,
    spokenRepeat: 'Toistan:',
  },
  sv: {
    login: 'din inloggningskod är',
    verify: 'koden för att ta emot störningsmeddelanden är',
    subjectLogin: 'inloggningskod',
    subjectVerify: 'bekräftelsekod',
    valid: (m) => `Koden gäller i ${m} minuter.`,
    warning: (t) => `${t} ber aldrig om betal- eller bankuppgifter i meddelanden.`,
    spokenIntro: (t) => `Det här är ${t}.`,
    spokenRepeat: 'Jag upprepar:',
  },
  en: {
    login: 'your login code is',
    verify: 'your code to confirm disruption notices is',
    subjectLogin: 'login code',
    subjectVerify: 'confirmation code',
    valid: (m) => `It is valid for ${m} minutes.`,
    warning: (t) => `${t} never asks for payment or bank details in a message.`,
    spokenIntro: (t) => `This is ${t}.`,
    spokenRepeat: 'Once more:',
  },
};

export interface PinTextInput {
  tenantName: string;
  code: string;
  purpose: PinPurpose;
  language: Language;
  ttlMinutes: number;
}

/** SMS and email: one line with the code first, then validity and the warning. */
export function pinText(input: PinTextInput): PinText {
  const w = WORDS[input.language];
  const what = input.purpose === 'login' ? w.login : w.verify;
  return {
    subject: `${input.tenantName}: ${input.purpose === 'login' ? w.subjectLogin : w.subjectVerify}`,
    text: `${input.tenantName}: ${what} ${input.code}. ${w.valid(input.ttlMinutes)} ${w.warning(input.tenantName)}`,
  };
}

/** A voice call: the digits one by one (text-to-speech reads `123456` as a number), said twice. */
export function pinSpeech(input: PinTextInput): PinText {
  const w = WORDS[input.language];
  const what = input.purpose === 'login' ? w.login : w.verify;
  const digits = input.code.split('').join(', ');
  return {
    subject: pinText(input).subject,
    text: `${w.spokenIntro(input.tenantName)} ${capitalise(what)} ${digits}. ${w.spokenRepeat} ${digits}. ${w.valid(input.ttlMinutes)} ${w.warning(input.tenantName)}`,
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
