/**
 * Who an incident reaches, for the operator while drawing (preview) and for the first send (freeze):
 * candidates read around the area, the pure resolver applied with today's date in Finland. The preview
 * adds what the operator decides on: counts per channel, exclusions with reasons, sample addresses, and
 * per language the SMS encoding, segment count and the estimated cost.
 */
import type { Clock } from '../../lib/clock.js';
import { areaMatcher, polygonsBBox } from '../incidents/area.js';
import { polygonsTest } from '../incidents/polygon-index.js';
import type { Incident } from '../incidents/incident.types.js';
import type { NetworkSelection } from '../network/network.schemas.js';
import type { Language, Tenant } from '../tenants/tenant.types.js';
import type { CandidateRepository } from './candidate.repository.js';
import { localDate } from '../../lib/local-time.js';
import {
  recipientText,
  renderTexts,
  smsFigures,
  type MessageKind,
  type SmsFigures,
  type Texts,
} from '../incidents/notice-text.js';
import type { RecipientRepository } from './recipient.repository.js';
import type { RegisterCache } from './register-cache.js';
import type { RegisterIndex } from './register-index.js';
import {
  addressLabel,
  EXCLUSION_REASONS,
  inSendingOrder,
  recipientAddressLabel,
  resolveInIndex,
  type ExclusionReason,
  type Recipient,
  type Resolution,
} from './recipients.js';

export const MINIMUM_AGE = 16;
const SAMPLE_SIZE = 10;

export interface Preview {
  /** True once the first message froze the set: the counts are then those of the frozen set. */
  frozen: boolean;
  addresses: number;
  contacts: number;
  endpoints: { sms: number; voice: number; email: number; push: number; total: number };
  excluded: Record<ExclusionReason, number>;
  sample: Array<{ id: string; label: string }>;
  sms: Partial<Record<Language, SmsFigures>>;
  warnings: string[];
  cost: { cents: number; currency: 'EUR'; segments: number };
}

export interface PreviewDeps {
  candidates: CandidateRepository;
  /** The ids of the addresses a pipe network trace reaches (an incident whose area is a trace). */
  tracedAddressIds?: ((tenant: Tenant, selection: NetworkSelection) => Promise<string[]>) | undefined;
  registers: RegisterCache;
  recipients: RecipientRepository;
  clock: Clock;
}

/** The addresses an incident's area holds (indexes into the tenant's register index), each once. */
export function incidentAddresses(deps: Pick<PreviewDeps, 'candidates' | 'registers' | 'tracedAddressIds'>) {
  return async (tenant: Tenant, incident: Incident): Promise<{ index: RegisterIndex; inside: number[] }> => {
    const polygons = incident.geometry ? [incident.geometry] : [];
    const index = await deps.registers.get(tenant.id);
    const box = polygonsBBox(polygons);
    const inside = box ? index.addressesIn(box, polygonsTest(polygons)) : [];
    if (incident.streets.length > 0 || incident.postalCodes.length > 0) {
      // Streets and postal codes by their indexes in the database; the matcher decides numbers and sides.
      const area = { polygons: [], streets: incident.streets, postalCodes: incident.postalCodes };
      const matcher = areaMatcher(area);
      const taken = new Set(inside);
      for (const address of await deps.candidates.onStreetsOrPostalCodes(tenant.id, area)) {
        const i = index.indexOfAddress(address.id);
        if (i === undefined || taken.has(i) || !matcher(address)) continue;
        taken.add(i);
        inside.push(i);
      }
    }
    if (incident.network && deps.tracedAddressIds) {
      const taken = new Set(inside);
      for (const id of await deps.tracedAddressIds(tenant, incident.network)) {
        const i = index.indexOfAddress(id);
        if (i === undefined || taken.has(i)) continue;
        taken.add(i);
        inside.push(i);
      }
    }
    return { index, inside };
  };
}

export function incidentResolver(deps: Pick<PreviewDeps, 'candidates' | 'registers' | 'tracedAddressIds'>) {
  const addressesOf = incidentAddresses(deps);
  return async (
    tenant: Tenant,
    incident: Incident,
    now: number,
    options: { ordered?: boolean } = {},
  ): Promise<Resolution> => {
    const [{ index, inside }, optedOut] = await Promise.all([
      addressesOf(tenant, incident),
      deps.candidates.optedOut(tenant.id),
    ]);
    return resolveInIndex(index, inside, {
      optedOut,
      today: localDate(now),
      householdMode: tenant.settings.householdMode,
      languages: tenant.languages,
      minimumAge: MINIMUM_AGE,
      ordered: options.ordered ?? true,
    });
  };
}

export type IncidentResolver = ReturnType<typeof incidentResolver>;

function textsContext(tenant: Tenant, incident: Incident) {
  return {
    languages: tenant.languages,
    context: {
      service: incident.service,
      startsAt: incident.startsAt,
      endsAt: incident.endsAt,
      tenantName: tenant.name,
    },
    footer: tenant.settings.smsFooter,
    allowLinks: tenant.settings.allowLinksInSms,
  };
}

export function previewService(deps: PreviewDeps) {
  const resolve = incidentResolver(deps);

  /** SMS figures per language, and the cost over the SMS recipients of each language. */
  function smsEstimate(
    tenant: Tenant,
    incident: Incident,
    texts: Texts,
    kind: MessageKind,
    smsByLanguage: Map<Language, { count: number; label: string }>,
  ) {
    const rendered = renderTexts(texts, kind, textsContext(tenant, incident));
    const sms: Partial<Record<Language, SmsFigures>> = {};
    let segments = 0;
    for (const language of tenant.languages) {
      const group = smsByLanguage.get(language);
      const figures = smsFigures(
        recipientText(rendered.texts, language, tenant.languages[0]!, group?.label ?? 'Esimerkkikatu 12 A'),
      );
      sms[language] = figures;
      segments += figures.segments * (group?.count ?? 0);
    }
    return {
      sms,
      warnings: rendered.warnings,
      cost: { cents: segments * tenant.settings.pricePerSegmentCents, currency: 'EUR' as const, segments },
    };
  }

  return {
    resolve,

    async previewIncident(
      tenant: Tenant,
      incident: Incident,
      texts: Texts = {},
      kind: MessageKind = 'alert',
    ): Promise<Preview> {
      if (incident.frozenAt !== null) return this.frozenPreview(tenant, incident, texts, kind);
      // Counts need no sending order: the one recipient per language that names the SMS length is the
      // first of that language in sending order, found in one pass instead of sorting them all.
      const resolution = await resolve(tenant, incident, deps.clock.now(), { ordered: false });
      const endpoints = { sms: 0, voice: 0, email: 0, push: 0, total: resolution.recipients.length };
      const firstSms = new Map<Language, { count: number; recipient: Recipient }>();
      for (const r of resolution.recipients) {
        endpoints[r.channel]++;
        if (r.channel !== 'sms') continue;
        const group = firstSms.get(r.language);
        if (!group) firstSms.set(r.language, { count: 1, recipient: r });
        else {
          group.count++;
          if (inSendingOrder(r, group.recipient) < 0) group.recipient = r;
        }
      }
      const sampleIds = resolution.addressIds.slice(0, SAMPLE_SIZE);
      const { labels } = resolution;
      const smsByLanguage = new Map(
        [...firstSms].map(([language, g]) => [
          language,
          { count: g.count, label: recipientAddressLabel(g.recipient, labels) },
        ]),
      );
      return {
        frozen: false,
        addresses: resolution.addressIds.length,
        contacts: resolution.contacts,
        endpoints,
        excluded: resolution.exclusions,
        sample: sampleIds.flatMap((id) => {
          const parts = labels.get(id);
          return parts ? [{ id, label: addressLabel(parts, tenant.languages[0]!) }] : [];
        }),
        ...smsEstimate(tenant, incident, texts, kind, smsByLanguage),
      };
    },

    /** After the first send: the frozen set's counts (exclusions are not kept). */
    async frozenPreview(tenant: Tenant, incident: Incident, texts: Texts, kind: MessageKind): Promise<Preview> {
      const summary = await deps.recipients.summary(tenant.id, incident.id);
      const channels = { sms: 0, voice: 0, email: 0, push: 0, ...summary.byChannel };
      const smsByLanguage = new Map<Language, { count: number; label: string }>([
        [tenant.languages[0]!, { count: channels.sms, label: 'Esimerkkikatu 12 A' }],
      ]);
      return {
        frozen: true,
        addresses: summary.addresses,
        contacts: summary.contacts,
        endpoints: {
          sms: channels.sms,
          voice: channels.voice,
          email: channels.email,
          push: channels.push,
          total: summary.recipients,
        },
        excluded: Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<ExclusionReason, number>,
        sample: [],
        ...smsEstimate(tenant, incident, texts, kind, smsByLanguage),
      };
    },
  };
}

export type PreviewService = ReturnType<typeof previewService>;
