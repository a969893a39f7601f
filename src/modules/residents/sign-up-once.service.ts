/**
 * Register once: with the resident's consent, the same address is registered with every other tenant
 * whose service area covers it. Each tenant gets its own separate copy (it is its own data controller):
 * the contact (or the one it already has for a verified number of this resident), its verified numbers
 * and emails, and the address — matched to that tenant's own address register by street, number and
 * postal code. Where no such address exists there, the answer says so.
 */
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { AddressRepository, AddressRow } from '../addresses/address.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { PlaceLinkRow } from './place.repository.js';
import type { ContactRow, EndpointRow } from './contact.repository.js';
import { NotFoundError } from '../../errors.js';
import { requireContact } from './resident.service.js';
import type { ResidentIdentity } from './resident.identity.js';
import type { ResidentRepositories, ResidentStore } from './resident.store.js';
import { toAddressView } from '../addresses/address.search.js';

export type SignUpOnceStatus = 'registered' | 'already-registered' | 'address-not-found' | 'not-covering';

export interface SignUpOnceResult {
  slug: string;
  name: string | null;
  status: SignUpOnceStatus;
  message: string;
}

export interface SignUpOnceDeps {
  store: ResidentStore;
  addresses: Pick<AddressRepository, 'findById'>;
  tenants: Pick<TenantService, 'tenantsCovering'>;
  audit: AuditRepository;
  clock: Clock;
}

interface Copy {
  contact: ContactRow;
  endpoints: EndpointRow[];
  link: PlaceLinkRow;
  address: AddressRow;
}

/** The contact the resident already has in `target` (by a verified number or email), or a new copy. */
async function contactIn(
  repos: ResidentRepositories,
  target: Tenant,
  copy: Copy,
  now: number,
): Promise<{ id: string; created: boolean }> {
  for (const endpoint of copy.endpoints) {
    const { contactId } = await repos.contacts.findLoginContact(target.id, endpoint.value);
    if (contactId) return { id: contactId, created: false };
  }
  const { id: _id, tenant_id: _tenant, ...fields } = copy.contact;
  const id = newId();
  await repos.contacts.insert(target.id, {
    ...fields,
    id,
    source: 'self',
    person_id: null,
    priority: 0,
    created_at: now,
    updated_at: now,
  });
  for (const e of copy.endpoints) {
    await repos.contacts.insertEndpoint(target.id, {
      id: newId(),
      contact_id: id,
      type: e.type,
      value: e.value,
      source: 'self',
      verified: 1,
      created_at: now,
      updated_at: now,
    });
  }
  return { id, created: true };
}

async function signUpWith(
  repos: ResidentRepositories,
  target: Tenant,
  copy: Copy,
  now: number,
): Promise<SignUpOnceStatus | { contactId: string }> {
  const match = await repos.places.findMatchingAddress(target.id, copy.address);
  if (!match) return 'address-not-found';
  const contact = await contactIn(repos, target, copy, now);
  if (!contact.created && (await repos.places.findByAddress(target.id, contact.id, match.id)))
    return 'already-registered';
  const role = contact.created ? copy.link.role : 'extra';
  await repos.places.insert(target.id, {
    id: newId(),
    contact_id: contact.id,
    address_id: match.id,
    role,
    label: copy.link.label,
    source: 'self',
    active: 1,
    created_at: now,
    updated_at: now,
  });
  return { contactId: contact.id };
}

export function signUpOnceService(deps: SignUpOnceDeps) {
  const { store, clock } = deps;

  return {
    async register(me: ResidentIdentity, linkId: string, slugs: string[]): Promise<SignUpOnceResult[]> {
      const contact = await requireContact(store, me);
      const link = await store.places.find(me.tenant.id, contact.id, linkId);
      const address = link && (await deps.addresses.findById(me.tenant.id, link.address_id));
      if (!link || !address) throw new NotFoundError('address');
      // Only numbers and emails that receive alerts here travel: a copy never carries an unproved number.
      const endpoints = (await store.contacts.listEndpoints(me.tenant.id, contact.id)).filter(
        (e) => e.verified === 1 || e.source === 'register',
      );
      const copy: Copy = { contact, endpoints, link, address };
      const covering = (await deps.tenants.tenantsCovering(address.lon, address.lat)).filter(
        (t) => t.id !== me.tenant.id,
      );
      const label = toAddressView(address).label;
      const results: SignUpOnceResult[] = [];
      for (const slug of [...new Set(slugs)]) {
        const target = covering.find((t) => t.slug === slug);
        if (!target) {
          results.push({ slug, name: null, status: 'not-covering', message: `${slug} does not serve ${label}` });
          continue;
        }
        const now = clock.now();
        const outcome = await store.transaction((repos) => signUpWith(repos, target, copy, now));
        if (typeof outcome === 'string') {
          const message =
            outcome === 'address-not-found'
              ? `${target.name} has no ${label} in its address register`
              : `registered with ${target.name} already`;
          results.push({ slug, name: target.name, status: outcome, message });
          continue;
        }
        await deps.audit.record(target.id, now, {
          actorType: 'resident',
          actorId: outcome.contactId,
          action: 'contact.register-once',
          subjectType: 'contact',
          subjectId: outcome.contactId,
          detail: { from: me.tenant.slug },
        });
        results.push({ slug, name: target.name, status: 'registered', message: `registered with ${target.name}` });
      }
      const registered = results.filter((r) => r.status === 'registered').map((r) => r.slug);
      await deps.audit.record(me.tenant.id, clock.now(), {
        actorType: 'resident',
        actorId: contact.id,
        action: 'contact.register-once',
        subjectType: 'contact_address',
        subjectId: link.id,
        detail: { tenants: registered },
      });
      return results;
    },
  };
}

export type SignUpOnceService = ReturnType<typeof signUpOnceService>;
