/**
 * Who gets a message: the rules of SPEC as one pure function, from the area, the register rows read
 * around it, the tenant's rules and today's date to the ordered recipient list and what was excluded.
 *
 * - an address is in when the area's matcher says so (point in polygon, street stretch, postal code);
 * - a contact linked to it counts only while that link is active, and a public-register person only from
 *   the 16th birthday on the day of sending;
 * - an endpoint counts when it came from the public register or was verified;
 * - mobile → SMS, landline → voice, email → email, push → push; priority (vulnerable) contacts are also
 *   called on their mobile, and come first;
 * - each (channel, endpoint) once, whatever number of addresses and contacts lead to it (household
 *   mode: one endpoint per address, then the same rule);
 * - the language is the contact's when the tenant has it, else the tenant's first.
 */
import type { ContactKind, DataSource, EndpointType, Flag } from '../../db/schema.js';
import type { ChannelName } from '../../channels/channel.js';
import type { Language } from '../tenants/tenant.types.js';
import type { AreaAddress, AreaMatcher } from '../incidents/area.js';
import { birthCutoff } from '../../lib/local-time.js';
import { RegisterIndexBuilder, type AddressLabels, type RegisterIndex } from './register-index.js';
import { EXCLUSION_REASONS, type ExclusionReason } from '../../contracts/lists.js';

export interface CandidateAddress extends AreaAddress {
  id: string;
}

/*
 * The register rows as the database gives them (flags 0/1): a preview reads hundreds of thousands, and
 * not copying them into other objects is most of what keeps it fast.
 */

/** A contact's link to an address near the area (unique per contact and address). */
export interface CandidateLink {
  addressId: string;
  contactId: string;
  active: Flag;
}

export interface CandidateContact {
  id: string;
  kind: ContactKind;
  source: DataSource;
  birthDate: string | null;
  language: string | null;
  priority: Flag;
}

export interface CandidateEndpoint {
  contactId: string;
  type: EndpointType;
  value: string;
  source: DataSource;
  verified: Flag;
}

/** The register rows read around an area (a superset: the resolver decides). */
export interface Candidates {
  addresses: readonly CandidateAddress[];
  links: readonly CandidateLink[];
  contacts: readonly CandidateContact[];
  endpoints: readonly CandidateEndpoint[];
}

export interface ResolutionRules {
  /** The local date of sending, YYYY-MM-DD (Europe/Helsinki). */
  today: string;
  householdMode: boolean;
  /** The tenant's languages, first = fallback. */
  languages: readonly Language[];
  minimumAge: number;
  /** False when only counts are wanted (a preview): the recipients then come in no particular order. */
  ordered?: boolean;
  /** Numbers that answered STOP to the tenant's notices: neither texted nor called. */
  optedOut?: ReadonlySet<string>;
}

export { EXCLUSION_REASONS, type ExclusionReason };

export interface Recipient {
  channel: ChannelName;
  endpoint: string;
  contactId: string;
  language: Language;
  priority: boolean;
  /** The affected addresses this endpoint is reached for (ids, sorted): the message names them. */
  addressIds: string[];
}

export interface Resolution {
  /** Ids of the addresses inside the area (with or without anybody registered). */
  addressIds: readonly string[];
  /** Street and number of the addresses, for naming them in messages. */
  labels: AddressLabels;
  /** Distinct contacts reached (a number shared by two people reaches both, in one message). */
  contacts: number;
  recipients: Recipient[];
  exclusions: Record<ExclusionReason, number>;
}

const CHANNEL_OF: Record<EndpointType, ChannelName> = {
  mobile: 'sms',
  landline: 'voice',
  email: 'email',
  push: 'push',
};
const CHANNEL_RANK: Record<ChannelName, number> = { sms: 0, voice: 1, email: 2, push: 3 };

export interface AddressLabelParts {
  street: string;
  streetSv: string | null;
  number: string;
}

export function addressLabel(address: AddressLabelParts, language: Language): string {
  const street = language === 'sv' && address.streetSv ? address.streetSv : address.street;
  return `${street} ${address.number}`;
}

/** Street order, numbers as numbers ("Koulukatu 2" before "Koulukatu 10"). */
const LABEL_ORDER = new Intl.Collator('fi', { numeric: true });

/** How a message names a recipient's addresses, in its language ("Koulukatu 1, Koulukatu 2"). */
export function recipientAddressLabel(
  recipient: Pick<Recipient, 'addressIds' | 'language'>,
  labels: AddressLabels,
): string {
  const named = recipient.addressIds
    .map((id) => labels.get(id))
    .filter((parts): parts is AddressLabelParts => parts !== undefined)
    .map((parts) => addressLabel(parts, recipient.language));
  // Ids are random within a millisecond: without an order of its own the text would vary between sends.
  return named.length > 1 ? named.sort(LABEL_ORDER.compare).join(', ') : (named[0] ?? '');
}

function emptyExclusions(): Record<ExclusionReason, number> {
  return Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<ExclusionReason, number>;
}

interface Candidate {
  channel: ChannelName;
  endpoint: string;
  contactId: string;
  language: Language;
  priority: boolean;
  addressIds: string[];
}

const byPreference = (a: Candidate, b: Candidate): number =>
  Number(b.priority) - Number(a.priority) ||
  CHANNEL_RANK[a.channel] - CHANNEL_RANK[b.channel] ||
  (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0) ||
  (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0);

/** Household mode: per address the one preferred candidate (and a priority contact's extra voice call). */
function onePerAddress(candidates: Candidate[], exclusions: Record<ExclusionReason, number>): Candidate[] {
  const sorted = [...candidates].sort(byPreference);
  const chosen = new Set<Candidate>();
  const covered = new Set<string>();
  for (const c of sorted) {
    const fresh = c.addressIds.filter((id) => !covered.has(id));
    const priorityVoice = c.priority && c.channel === 'voice';
    if (fresh.length === 0 && !priorityVoice) continue;
    for (const id of fresh) covered.add(id);
    chosen.add(c);
  }
  exclusions.household = candidates.length - chosen.size;
  return sorted.filter((c) => chosen.has(c));
}

/** Merges candidates reaching the same (channel, endpoint): one message naming every address; the preferred one leads. */
function oncePerEndpoint(candidates: Candidate[], exclusions: Record<ExclusionReason, number>): Candidate[] {
  // One map per channel: no key strings to build for 100,000s of candidates.
  const byChannel = new Map<ChannelName, Map<string, Candidate>>();
  for (const c of candidates) {
    let merged = byChannel.get(c.channel);
    if (!merged) byChannel.set(c.channel, (merged = new Map()));
    const seen = merged.get(c.endpoint);
    if (!seen) {
      merged.set(c.endpoint, c);
      continue;
    }
    exclusions.duplicate++;
    const [lead, other] = byPreference(c, seen) < 0 ? [c, seen] : [seen, c];
    const ids = [...lead.addressIds];
    for (const id of other.addressIds) if (!ids.includes(id)) ids.push(id);
    merged.set(c.endpoint, { ...lead, priority: lead.priority || other.priority, addressIds: ids.sort() });
  }
  return [...byChannel.values()].flatMap((m) => [...m.values()]);
}

/** Priority first; then grouped by address so that one street's messages go out together. */
export const inSendingOrder = (a: Recipient, b: Recipient): number =>
  Number(b.priority) - Number(a.priority) ||
  (a.addressIds[0]! < b.addressIds[0]! ? -1 : a.addressIds[0]! > b.addressIds[0]! ? 1 : 0) ||
  CHANNEL_RANK[a.channel] - CHANNEL_RANK[b.channel] ||
  (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0);

/** YYYY-MM-DD → YYYYMMDD, as the index keeps birth dates. */
const dateNumber = (date: string): number => Number(date.replaceAll('-', ''));

/**
 * The rules over an indexed register: `inside` are the indexes of the addresses inside the area (each
 * once). Synchronous and allocation-light: a 200,000-address area resolves in tens of milliseconds.
 */
export function resolveInIndex(index: RegisterIndex, inside: readonly number[], rules: ResolutionRules): Resolution {
  const exclusions = emptyExclusions();
  // Per contact the first address inside that reaches it; the rare further ones aside.
  const firstAddress = new Int32Array(index.contactCount).fill(-1);
  const moreAddresses = new Map<number, number[]>();
  const reached: number[] = [];
  for (const a of inside) {
    index.forEachLink(a, (c, active) => {
      if (!active) {
        exclusions.deactivated++;
        return;
      }
      const first = firstAddress[c]!;
      if (first === -1) {
        firstAddress[c] = a;
        reached.push(c);
      } else if (first !== a) {
        const more = moreAddresses.get(c);
        if (!more) moreAddresses.set(c, [a]);
        else if (!more.includes(a)) more.push(a);
      }
    });
  }
  const cutoff = dateNumber(birthCutoff(rules.today, rules.minimumAge));
  const languages = rules.languages as readonly string[];
  let chosen: Candidate[] = [];
  for (const c of reached) {
    const contact = index.contact(c);
    if (!contact) continue;
    if (contact.fromRegister && !contact.company) {
      if (contact.birth === 0) {
        exclusions['age-unknown']++;
        continue;
      }
      if (contact.birth > cutoff) {
        exclusions['under-16']++;
        continue;
      }
    }
    if (index.endpointCount(c) === 0) {
      exclusions['no-endpoint']++;
      continue;
    }
    const language = (languages.includes(contact.language) ? contact.language : rules.languages[0]!) as Language;
    const more = moreAddresses.get(c);
    const addressIds = more
      ? [firstAddress[c]!, ...more].map((a) => index.addressId(a)).sort()
      : [index.addressId(firstAddress[c]!)];
    const { id: contactId, priority } = contact;
    index.forEachEndpoint(c, (type, endpoint, fromRegister, verified) => {
      if (!fromRegister && !verified) {
        exclusions.unverified++;
        return;
      }
      if (type !== 'email' && rules.optedOut?.has(endpoint)) {
        exclusions['opted-out']++;
        return;
      }
      chosen.push({ channel: CHANNEL_OF[type], endpoint, contactId, language, priority, addressIds });
      if (priority && type === 'mobile')
        chosen.push({ channel: 'voice', endpoint, contactId, language, priority, addressIds });
    });
  }
  if (rules.householdMode) chosen = onePerAddress(chosen, exclusions);
  const contacts = new Set(chosen.map((c) => c.contactId)).size;
  const recipients: Recipient[] = oncePerEndpoint(chosen, exclusions);
  if (rules.ordered !== false) recipients.sort(inSendingOrder);
  return { addressIds: inside.map((a) => index.addressId(a)), labels: index.labels, contacts, recipients, exclusions };
}

/** The rules over register rows (a superset around the area): indexes them, then resolves. */
export function resolveRecipients(matcher: AreaMatcher, candidates: Candidates, rules: ResolutionRules): Resolution {
  const builder = new RegisterIndexBuilder();
  candidates.addresses.forEach((r) => builder.addAddress(r));
  candidates.contacts.forEach((r) => builder.addContact(r));
  candidates.links.forEach((r) => builder.addLink(r));
  candidates.endpoints.forEach((r) => builder.addEndpoint(r));
  const index = builder.build(0);
  const inside: number[] = [];
  candidates.addresses.forEach((a, i) => {
    if (matcher(a)) inside.push(i);
  });
  return resolveInIndex(index, inside, rules);
}
