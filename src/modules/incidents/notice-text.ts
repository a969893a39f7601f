/**
 * The words of a notice: templates per kind and language, the variables `{service}`, `{start}`, `{end}`,
 * `{tenant}` (filled when the message is created) and `{address}` (filled per recipient), typographic
 * punctuation turned into its GSM-7 look-alike (an en dash or a curly quote would make every SMS UCS-2,
 * 70 characters a segment), the tenant's footer, the anti-smishing rule on links, and the segment count.
 * Pure.
 */
import { ValidationError } from '../../errors.js';
import { containsLink, normaliseForSms } from '../../channels/sms/sms-normalise.js';

export { containsLink, normaliseForSms };
export { smsFigures, type SmsFigures } from '../../channels/sms/sms-encoding.js';
import type { Language, Service } from '../tenants/tenant.types.js';
import { DEFAULT_TIME_ZONE } from '../../lib/local-time.js';
import { MESSAGE_KINDS, type MessageKind } from '../../contracts/messages.contract.js';

export { MESSAGE_KINDS, type MessageKind };
export type Texts = Partial<Record<Language, string>>;

const SERVICE_NAMES: Record<Language, Record<Service, string>> = {
  fi: {
    water: 'Vesikatko',
    sewer: 'Viemärikatko',
    'district-heating': 'Kaukolämpökatko',
    electricity: 'Sähkökatko',
    waste: 'Jätehuollon häiriö',
    other: 'Häiriö',
  },
  sv: {
    water: 'Vattenavbrott',
    sewer: 'Avloppsavbrott',
    'district-heating': 'Fjärrvärmeavbrott',
    electricity: 'Elavbrott',
    waste: 'Störning i avfallshanteringen',
    other: 'Störning',
  },
  en: {
    water: 'Water outage',
    sewer: 'Sewer outage',
    'district-heating': 'District heating outage',
    electricity: 'Power outage',
    waste: 'Waste collection disruption',
    other: 'Disruption',
  },
};

/** Starting texts per kind and language; the operator edits them. ASCII punctuation only. */
export const TEMPLATES: Record<MessageKind, Record<Language, string>> = {
  alert: {
    fi: '{service} {address}: {start} - {end}. {tenant}',
    sv: '{service} {address}: {start} - {end}. {tenant}',
    en: '{service} at {address}: {start} - {end}. {tenant}',
  },
  update: {
    fi: 'Päivitys: {service} {address} jatkuu, arvioitu loppu {end}. {tenant}',
    sv: 'Uppdatering: {service} {address} fortsätter, beräknat slut {end}. {tenant}',
    en: 'Update: {service} at {address} continues, expected end {end}. {tenant}',
  },
  'all-clear': {
    fi: '{service} {address} on päättynyt. Kiitos kärsivällisyydestä. {tenant}',
    sv: '{service} {address} är över. Tack för ert tålamod. {tenant}',
    en: 'The {service} at {address} is over. Thank you for your patience. {tenant}',
  },
  cancel: {
    fi: 'Peruttu: ilmoitettu {service} {address} {start} ei toteudu. {tenant}',
    sv: 'Inställt: det aviserade {service} {address} {start} blir inte av. {tenant}',
    en: 'Cancelled: the announced {service} at {address} on {start} will not happen. {tenant}',
  },
};

const DATE_LOCALES: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

const OPEN_START: Record<Language, string> = { fi: 'nyt', sv: 'nu', en: 'now' };
const OPEN_END: Record<Language, string> = { fi: 'toistaiseksi', sv: 'tills vidare', en: 'until further notice' };

export function formatLocalTime(
  ms: number | null,
  language: Language,
  timeZone = DEFAULT_TIME_ZONE,
  open: 'start' | 'end' = 'end',
): string {
  if (ms === null) return (open === 'start' ? OPEN_START : OPEN_END)[language];
  return new Intl.DateTimeFormat(DATE_LOCALES[language], {
    timeZone,
    day: 'numeric',
    month: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(ms);
}

export interface TextContext {
  service: Service;
  startsAt: number | null;
  endsAt: number | null;
  tenantName: string;
}

const VARIABLES = ['service', 'start', 'end', 'address', 'tenant'] as const;

/** Fills every variable but `{address}`, which depends on the recipient. */
export function fillVariables(text: string, language: Language, context: TextContext): string {
  const values: Record<string, string> = {
    service: SERVICE_NAMES[language][context.service],
    start: formatLocalTime(context.startsAt, language, DEFAULT_TIME_ZONE, 'start'),
    end: formatLocalTime(context.endsAt, language),
    tenant: context.tenantName,
  };
  return text.replace(/\{(service|start|end|tenant)\}/g, (_m, name: string) => values[name]!);
}

export function unknownVariables(text: string): string[] {
  return [...text.matchAll(/\{([a-z]+)\}/gi)]
    .map((m) => m[1]!)
    .filter((v) => !(VARIABLES as readonly string[]).includes(v));
}

export const fillAddress = (text: string, label: string): string => text.replaceAll('{address}', label);

export interface RenderOptions {
  languages: readonly Language[];
  context: TextContext;
  footer: string;
  allowLinks: boolean;
}

export interface RenderedTexts {
  /** Per tenant language: the text to send, `{address}` still in it. */
  texts: Record<string, string>;
  warnings: string[];
}

/**
 * The texts of a message, one per tenant language: the operator's text in that language (or the first
 * language's, or any given), variables filled, punctuation normalised, footer added. Refuses links when
 * the tenant does not allow them, and unknown variables.
 */
export function renderTexts(given: Texts, kind: MessageKind, options: RenderOptions): RenderedTexts {
  const warnings: string[] = [];
  const provided = Object.entries(given).filter(([, t]) => typeof t === 'string' && t.trim()) as Array<
    [Language, string]
  >;
  const source = (language: Language): string =>
    given[language]?.trim() ||
    given[options.languages[0]!]?.trim() ||
    provided[0]?.[1].trim() ||
    TEMPLATES[kind][language];
  for (const [language, text] of provided) {
    const unknown = unknownVariables(text);
    if (unknown.length) throw new ValidationError(`texts.${language}`, 'text-variable', { variable: unknown[0]! });
    if (!options.allowLinks && containsLink(text)) throw new ValidationError(`texts.${language}`, 'text-links');
  }
  const texts: Record<string, string> = {};
  for (const language of options.languages) {
    const filled = fillVariables(source(language), language, options.context);
    const { text, replaced } = normaliseForSms(filled);
    if (replaced.length)
      warnings.push(`${language}: typographic characters ${replaced.join(' ')} were replaced by plain ones (GSM-7)`);
    texts[language] = options.footer ? `${text}\n${options.footer}` : text;
  }
  return { texts, warnings };
}

/** The text for one recipient: its language's version (falling back to the first) with its addresses. */
export function recipientText(
  rendered: Record<string, string>,
  language: string,
  fallback: string,
  label: string,
): string {
  return fillAddress(rendered[language] ?? rendered[fallback] ?? Object.values(rendered)[0] ?? '', label);
}

export function serviceName(service: Service, language: Language): string {
  return SERVICE_NAMES[language][service];
}

/**
 * The email subject per language, stored as JSON: the tenant and the service in the recipient's
 * language; the operator's title (written in the first language) in the first language's only.
 */
export function emailSubjects(
  tenant: { name: string; languages: readonly Language[] },
  incident: { title: string; service: Service },
): string {
  const subjects = Object.fromEntries(
    tenant.languages.map((language, i) => [
      language,
      i === 0
        ? `${tenant.name}: ${incident.title} (${serviceName(incident.service, language)})`
        : `${tenant.name}: ${serviceName(incident.service, language)}`,
    ]),
  );
  return JSON.stringify(subjects);
}

/** The subject for a recipient's language from what emailSubjects stored (a plain string: one subject for all). */
export function subjectIn(stored: string, language: string, fallback: string): string {
  if (!stored.startsWith('{')) return stored;
  const subjects = JSON.parse(stored) as Record<string, string>;
  return subjects[language] ?? subjects[fallback] ?? Object.values(subjects)[0] ?? '';
}
