/**
 * Residents for operators: search (name, a number in any national or E.164 form, email, address text,
 * business id), view one, switch an address's alerts off or on, delete a resident. Every read of
 * residents' data is written to the audit log — one entry per resident shown, naming the operator or
 * token — and never the search text or the numbers and emails themselves.
 */
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AddressRepository } from '../addresses/address.repository.js';
import { parseAddressQuery, searchAddresses, toAddressView } from '../addresses/address.search.js';
import type { AuditEntry, AuditRepository } from '../audit/audit.repository.js';
import type { SessionService } from '../auth/session.service.js';
import type { Actor } from '../../kernel/actor.js';
import type { Tenant } from '../tenants/tenant.types.js';
import { parseBusinessId } from './business-id.js';
import type { PlaceWithAddress } from './place.repository.js';
import type { ContactRow, EndpointRow } from './contact.repository.js';
import { tenantCountry } from '../tenants/tenant.country.js';
import { parseEmail, parsePhone, type ParsedEndpoint } from '../auth/endpoint.parse.js';
import type { OptOut } from './opt-out.js';
import type { ResidentSearchRepository } from './resident-search.repository.js';
import { residentSubject } from './resident.identity.js';
import { deleteContact } from './resident.service.js';
import type { ResidentStore } from './resident.store.js';

export interface ResidentAdminDeps {
  store: ResidentStore;
  search: ResidentSearchRepository;
  addresses: AddressRepository;
  audit: Pick<AuditRepository, 'record' | 'recordMany'>;
  sessions: Pick<SessionService, 'revokeAll'>;
  optOut: OptOut;
  clock: Clock;
}

/** At most this many residents per search: a search is for finding someone, not for listing the register. */
export const SEARCH_LIMIT = 50;
const ADDRESSES_PER_SEARCH = 50;

export type MatchedBy = 'endpoint' | 'businessId' | 'name' | 'address';

export interface ResidentAddressEntry {
  /** The contact's link to the address (what the alert switch changes). */
  id: string;
  addressId: string;
  label: string;
  role: 'main' | 'extra';
  source: 'register' | 'self';
  active: boolean;
}

export interface ResidentAdminView {
  id: string;
  kind: 'person' | 'company';
  source: 'register' | 'self';
  /** null when the resident hid the name. */
  name: string | null;
  nameHidden: boolean;
  businessId: string | null;
  language: string | null;
  priority: boolean;
  endpoints: Array<{
    id: string;
    type: EndpointRow['type'];
    value: string;
    source: 'register' | 'self';
    verified: boolean;
  }>;
  addresses: ResidentAddressEntry[];
}

function displayName(contact: ContactRow): string | null {
  if (contact.name_hidden) return null;
  const name =
    contact.kind === 'company'
      ? [contact.company_name, contact.contact_person && `(${contact.contact_person})`]
      : [contact.first_name, contact.last_name];
  return name.filter(Boolean).join(' ') || null;
}

function toAddressEntry({ link, address }: PlaceWithAddress): ResidentAddressEntry {
  return {
    id: link.id,
    addressId: link.address_id,
    label: toAddressView(address).label,
    role: link.role,
    source: link.source,
    active: link.active === 1,
  };
}

function toAdminView(contact: ContactRow, endpoints: EndpointRow[], places: PlaceWithAddress[]): ResidentAdminView {
  return {
    id: contact.id,
    kind: contact.kind,
    source: contact.source,
    name: displayName(contact),
    nameHidden: contact.name_hidden === 1,
    businessId: contact.business_id,
    language: contact.language,
    priority: contact.priority === 1,
    endpoints: endpoints.map((e) => ({
      id: e.id,
      type: e.type,
      value: e.value,
      source: e.source,
      verified: e.verified === 1 || e.source === 'register',
    })),
    addresses: places.map(toAddressEntry),
  };
}

/** The query read as a number or an email, when it is one (then names and addresses are not searched). */
function asEndpoint(q: string, tenant: Tenant): ParsedEndpoint | undefined {
  try {
    if (q.includes('@')) return parseEmail(q, 'q');
    if (/^\+?[0-9 ()./-]{5,30}$/.test(q) && !/^\d{5}$/.test(q)) return parsePhone(q, tenantCountry(tenant), 'q');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
  return undefined;
}

/** Name words: what has a letter in it (house numbers and postal codes are the address search's). */
const nameWords = (q: string) =>
  q
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w))
    .slice(0, 4);

export function residentAdminService(deps: ResidentAdminDeps) {
  const { store, search, clock } = deps;
  const actorOf = (actor: Actor) => ({ actorType: actor.type, actorId: actor.id });

  /** The operators' view of the resident `id`, one statement; undefined when there is none. */
  async function load(tenant: Tenant, id: string): Promise<ResidentAdminView | undefined> {
    const details = await store.details.find(tenant.id, id);
    return details && toAdminView(details.contact, details.endpoints, details.places);
  }

  async function requireContact(tenant: Tenant, id: string): Promise<ContactRow> {
    const contact = await store.contacts.find(tenant.id, id);
    if (!contact) throw new NotFoundError('resident');
    return contact;
  }

  /** Contact ids matching the query, best kind of match first, each once; and which kinds matched. */
  async function matchIds(tenant: Tenant, q: string): Promise<{ ids: string[]; matchedBy: MatchedBy[] }> {
    const found: Array<[MatchedBy, string[]]> = [];
    // Ten digits can be both a number and a Swedish organisationsnummer: then both are looked up.
    const endpoint = asEndpoint(q, tenant);
    const businessId = parseBusinessId(q);
    if (endpoint) found.push(['endpoint', await search.contactIdsByEndpoint(tenant.id, endpoint.value, SEARCH_LIMIT)]);
    if (businessId)
      found.push(['businessId', await search.contactIdsByBusinessId(tenant.id, businessId.value, SEARCH_LIMIT)]);
    if (!endpoint && !businessId) {
      found.push(['name', await search.contactIdsByName(tenant.id, nameWords(q), SEARCH_LIMIT)]);
      const places = await searchAddresses(deps.addresses, tenant.id, parseAddressQuery(q), ADDRESSES_PER_SEARCH);
      found.push([
        'address',
        await search.contactIdsAtAddresses(
          tenant.id,
          places.map((a) => a.id),
          SEARCH_LIMIT,
        ),
      ]);
    }
    const ids = [...new Set(found.flatMap(([, list]) => list))].slice(0, SEARCH_LIMIT);
    return { ids, matchedBy: found.filter(([, list]) => list.length > 0).map(([kind]) => kind) };
  }

  return {
    async search(tenant: Tenant, q: string, actor: Actor): Promise<ResidentAdminView[]> {
      const { ids, matchedBy } = await matchIds(tenant, q.trim());
      const views = (await Promise.all(ids.map((id) => load(tenant, id)))).filter(
        (v): v is ResidentAdminView => v !== undefined,
      );
      const reads: AuditEntry[] = views.map((v) => ({
        ...actorOf(actor),
        action: 'resident.read',
        subjectType: 'contact',
        subjectId: v.id,
        detail: { via: 'search' },
      }));
      await deps.audit.recordMany(tenant.id, clock.now(), [
        { ...actorOf(actor), action: 'residents.search', detail: { results: views.length, matchedBy } },
        ...reads,
      ]);
      return views;
    },

    async view(tenant: Tenant, id: string, actor: Actor): Promise<ResidentAdminView> {
      const view = await load(tenant, id);
      if (!view) throw new NotFoundError('resident');
      await deps.audit.record(tenant.id, clock.now(), {
        ...actorOf(actor),
        action: 'resident.read',
        subjectType: 'contact',
        subjectId: id,
        detail: { via: 'view' },
      });
      return view;
    },

    /** Switches the alerts of one of the resident's addresses off or on (opt-out bookkeeping as for residents). */
    async setAddressActive(
      tenant: Tenant,
      contactId: string,
      linkId: string,
      active: boolean,
      actor: Actor,
    ): Promise<ResidentAddressEntry> {
      const contact = await requireContact(tenant, contactId);
      const link = await store.places.find(tenant.id, contact.id, linkId);
      const address = link && (await deps.addresses.findById(tenant.id, link.address_id));
      if (!link || !address) throw new NotFoundError('address');
      const now = clock.now();
      const updated = { ...link, active: active ? (1 as const) : (0 as const), updated_at: now };
      await store.transaction(async (repos) => {
        await repos.places.update(tenant.id, link.id, { active: updated.active, updated_at: now });
        await deps.optOut.syncAfterAddressChange(repos, tenant.id, contact, now);
      });
      await deps.audit.record(tenant.id, now, {
        ...actorOf(actor),
        action: 'address.update',
        subjectType: 'contact_address',
        subjectId: link.id,
        detail: { contactId: contact.id, active },
      });
      return toAddressEntry({ link: updated, address });
    },

    /** Deletes the resident and its rows, ends its sessions; a public-register resident stays opted out. */
    async remove(tenant: Tenant, id: string, actor: Actor): Promise<void> {
      const contact = await requireContact(tenant, id);
      const now = clock.now();
      await deleteContact(store, deps.optOut, tenant.id, contact, now);
      await deps.sessions.revokeAll(tenant.id, residentSubject(contact.id));
      await deps.audit.record(tenant.id, now, {
        ...actorOf(actor),
        action: 'resident.delete',
        subjectType: 'contact',
        subjectId: contact.id,
        detail: { source: contact.source },
      });
    },
  };
}

export type ResidentAdminService = ReturnType<typeof residentAdminService>;
