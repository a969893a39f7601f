/**
 * A contact's addresses: add from the address search as main or extra (only inside the tenant's service
 * area), label, set as main, deactivate and reactivate alerts, remove. Adding one answers with the other
 * tenants whose service area covers it: the register-once offer.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { pointInAreaTest } from '../../lib/geo.js';
import { newId } from '../../lib/ids.js';
import type { AddressRepository, AddressRow } from '../addresses/address.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { Service } from '../tenants/tenant.types.js';
import type { PlaceLinkRow } from './place.repository.js';
import type { OptOut } from './opt-out.js';
import { requireContact } from './resident.service.js';
import type { ResidentIdentity } from './resident.identity.js';
import type { ResidentStore } from './resident.store.js';
import { toMyAddressView, type MyAddressView } from './resident.views.js';

export interface PlaceServiceDeps {
  store: ResidentStore;
  addresses: Pick<AddressRepository, 'findById'>;
  tenants: Pick<TenantService, 'tenantsCovering'>;
  audit: AuditRepository;
  optOut: OptOut;
  clock: Clock;
}

export interface NewAddressInput {
  addressId: string;
  role?: 'main' | 'extra' | undefined;
  label?: string | undefined;
}

export interface AddressChange {
  role?: 'main' | undefined;
  label?: string | null | undefined;
  active?: boolean | undefined;
}

export interface OtherTenant {
  slug: string;
  name: string;
  services: Service[];
}

const emptyToNull = (label: string | null | undefined) => (label ? label : null);

export function placeService(deps: PlaceServiceDeps) {
  const { store, clock } = deps;
  const record = (
    me: ResidentIdentity,
    contactId: string,
    action: string,
    linkId: string,
    detail: Record<string, unknown>,
  ) =>
    deps.audit.record(me.tenant.id, clock.now(), {
      actorType: 'resident',
      actorId: contactId,
      action,
      subjectType: 'contact_address',
      subjectId: linkId,
      detail,
    });

  async function linkOf(me: ResidentIdentity, id: string) {
    const contact = await requireContact(store, me);
    const link = await store.places.find(me.tenant.id, contact.id, id);
    if (!link) throw new NotFoundError('address');
    return { contact, link };
  }

  async function viewOf(me: ResidentIdentity, link: PlaceLinkRow, address?: AddressRow): Promise<MyAddressView> {
    const row = address ?? (await deps.addresses.findById(me.tenant.id, link.address_id));
    if (!row) throw new NotFoundError('address');
    return toMyAddressView({ link, address: row });
  }

  return {
    async add(
      me: ResidentIdentity,
      input: NewAddressInput,
    ): Promise<{ address: MyAddressView; otherTenants: OtherTenant[] }> {
      const contact = await requireContact(store, me);
      const address = await deps.addresses.findById(me.tenant.id, input.addressId);
      if (!address) throw new ValidationError('addressId', 'address-unknown');
      if (!pointInAreaTest(me.tenant.serviceArea)(address.lon, address.lat)) {
        throw new ValidationError('addressId', 'address-outside', { tenant: me.tenant.name });
      }
      if (await store.places.findByAddress(me.tenant.id, contact.id, address.id))
        throw new ConflictError('address-exists', {}, 'addressId');
      const now = clock.now();
      const current = await store.places.listForContact(me.tenant.id, contact.id);
      const role = input.role ?? (current.some((p) => p.link.role === 'main') ? 'extra' : 'main');
      const link: PlaceLinkRow = {
        id: newId(),
        tenant_id: me.tenant.id,
        contact_id: contact.id,
        address_id: address.id,
        role,
        label: emptyToNull(input.label),
        source: 'self',
        active: 1,
        created_at: now,
        updated_at: now,
      };
      await store.transaction(async (repos) => {
        if (role === 'main') await repos.places.demoteMain(me.tenant.id, contact.id, now);
        const { tenant_id: _tenant, ...row } = link;
        await repos.places.insert(me.tenant.id, row);
        await deps.optOut.syncAfterAddressChange(repos, me.tenant.id, contact, now);
      });
      await record(me, contact.id, 'address.add', link.id, { role });
      const covering = await deps.tenants.tenantsCovering(address.lon, address.lat);
      const otherTenants = covering
        .filter((t) => t.id !== me.tenant.id)
        .map((t) => ({ slug: t.slug, name: t.name, services: t.services }));
      return { address: toMyAddressView({ link, address }), otherTenants };
    },

    /** Set as main, relabel, deactivate or reactivate alerts — any of them in one call. */
    async update(me: ResidentIdentity, id: string, change: AddressChange): Promise<MyAddressView> {
      const { contact, link } = await linkOf(me, id);
      const now = clock.now();
      const updated: PlaceLinkRow = {
        ...link,
        ...(change.role ? { role: change.role } : {}),
        ...(change.label !== undefined ? { label: emptyToNull(change.label) } : {}),
        ...(change.active !== undefined ? { active: change.active ? 1 : 0 } : {}),
        updated_at: now,
      };
      await store.transaction(async (repos) => {
        if (change.role === 'main' && link.role !== 'main')
          await repos.places.demoteMain(me.tenant.id, contact.id, now);
        await repos.places.update(me.tenant.id, link.id, {
          role: updated.role,
          label: updated.label,
          active: updated.active,
          updated_at: now,
        });
        if (change.active !== undefined) await deps.optOut.syncAfterAddressChange(repos, me.tenant.id, contact, now);
      });
      const detail = {
        ...(change.role ? { role: change.role } : {}),
        ...(change.active !== undefined ? { active: change.active } : {}),
        ...(change.label !== undefined ? { label: 'changed' } : {}),
      };
      await record(me, contact.id, 'address.update', link.id, detail);
      return viewOf(me, updated);
    },

    /** Removes a self-registered address; one from the public register is deactivated instead. */
    async remove(me: ResidentIdentity, id: string): Promise<void> {
      const { contact, link } = await linkOf(me, id);
      if (link.source === 'register') throw new ConflictError('address-from-register', {}, 'id');
      const now = clock.now();
      await store.transaction(async (repos) => {
        await repos.places.delete(me.tenant.id, link.id);
        await deps.optOut.syncAfterAddressChange(repos, me.tenant.id, contact, now);
      });
      await record(me, contact.id, 'address.remove', link.id, { role: link.role });
    },
  };
}

export type PlaceService = ReturnType<typeof placeService>;
