/**
 * What a notice call says besides the notice, in the contact's language (fi, sv, en; English for any
 * other): the request to press 1, spoken after the notice, and the thanks once 1 is pressed.
 */
const CONFIRM: Record<string, string> = {
  fi: 'Paina ykköstä, jos kuulit tiedotteen.',
  sv: 'Tryck på ettan om du har hört meddelandet.',
  en: 'Press 1 if you have heard this message.',
};

const THANKS: Record<string, string> = {
  fi: 'Kiitos, vahvistus on vastaanotettu.',
  sv: 'Tack, bekräftelsen är mottagen.',
  en: 'Thank you, your confirmation has been received.',
};

/** How long a call waits for the key after the notice, in seconds. */
export const CONFIRM_TIMEOUT_S = 10;

/** The spoken text of a call: the notice, and when it asks to confirm, the request to press 1. */
export const spokenText = (text: string, language: string, confirm: boolean): string =>
  confirm ? `${text} ${CONFIRM[language] ?? CONFIRM.en!}` : text;

/** The thanks spoken after the 1. */
export const thanksText = (language: string): string => THANKS[language] ?? THANKS.en!;

/** A language as the call's webhooks carry it back (a query parameter): one of ours, else English. */
export const callLanguage = (value: string | null | undefined): string =>
  value && Object.hasOwn(CONFIRM, value) ? value : 'en';
