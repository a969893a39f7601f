/**
 * Starting texts per message kind and language, filled with the incident's service and times. Plain
 * GSM-7 characters only (a hyphen, not an en dash), so that a part holds 160 characters.
 */
import type { Language, PublicTenant, Service } from '../../shared/tenant';
import type { Incident, MessageKind } from '../admin-api';

const SERVICE_NAMES: Record<Language, Record<Service, string>> = {
  fi: {
    water: 'Vedenjakelu',
    sewer: 'Viemäröinti',
    'district-heating': 'Kaukolämmön jakelu',
    electricity: 'Sähkönjakelu',
    waste: 'Jätehuolto',
    other: 'Palvelu',
  },
  sv: {
    water: 'Vattenförsörjningen',
    sewer: 'Avloppet',
    'district-heating': 'Fjärrvärmen',
    electricity: 'Elförsörjningen',
    waste: 'Avfallshämtningen',
    other: 'Tjänsten',
  },
  en: {
    water: 'Water supply',
    sewer: 'Sewerage',
    'district-heating': 'District heating',
    electricity: 'Electricity',
    waste: 'Waste collection',
    other: 'Service',
  },
};

type Fill = { tenant: string; service: string; start: string; end: string };

const TEMPLATES: Record<MessageKind, Record<Language, (f: Fill) => string>> = {
  alert: {
    fi: (f) =>
      `${f.tenant}: ${f.service} on katkaistu alueellanne ${f.start}${f.end ? ` - arviolta ${f.end}` : ''}. Pahoittelemme.`,
    sv: (f) =>
      `${f.tenant}: ${f.service} är avbruten i ert område ${f.start}${f.end ? ` - beräknat till ${f.end}` : ''}. Vi beklagar.`,
    en: (f) =>
      `${f.tenant}: ${f.service} is cut off in your area ${f.start}${f.end ? ` - expected until ${f.end}` : ''}. We apologise.`,
  },
  update: {
    fi: (f) => `${f.tenant}: Tilannepäivitys. ${f.service} on yhä katkaistu${f.end ? `, arvio ${f.end}` : ''}.`,
    sv: (f) =>
      `${f.tenant}: Lägesuppdatering. ${f.service} är fortfarande avbruten${f.end ? `, beräknat till ${f.end}` : ''}.`,
    en: (f) => `${f.tenant}: Update. ${f.service} is still cut off${f.end ? `, expected until ${f.end}` : ''}.`,
  },
  'all-clear': {
    fi: (f) => `${f.tenant}: ${f.service} toimii taas normaalisti. Kiitos kärsivällisyydestä.`,
    sv: (f) => `${f.tenant}: ${f.service} fungerar normalt igen. Tack för ert tålamod.`,
    en: (f) => `${f.tenant}: ${f.service} is back to normal. Thank you for your patience.`,
  },
  cancel: {
    fi: (f) => `${f.tenant}: Aiemmin ilmoitettu katko on peruttu.`,
    sv: (f) => `${f.tenant}: Det tidigare meddelade avbrottet är inställt.`,
    en: (f) => `${f.tenant}: The interruption announced earlier is cancelled.`,
  },
};

function time(value: string | number | null, language: Language): string {
  if (value === null || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' })
    .format(date)
    .replace(/\u202f|\u00a0/g, ' ');
}

export function messageTemplates(
  tenant: PublicTenant,
  incident: Incident,
  kind: MessageKind,
): Partial<Record<Language, string>> {
  return Object.fromEntries(
    tenant.languages.map((language) => {
      const fill: Fill = {
        tenant: tenant.smsSender || tenant.name,
        service: SERVICE_NAMES[language][incident.service],
        start: time(incident.startsAt, language),
        end: time(incident.endsAt, language),
      };
      return [language, TEMPLATES[kind][language](fill).replace(/\s+\./g, '.').replace(/ {2,}/g, ' ')];
    }),
  );
}
