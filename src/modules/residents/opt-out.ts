/**
 * Residents from the public register who opt out stay out: when such a contact deletes its data,
 * deactivates every address, or removes a register number, the numbers and emails get a suppression entry
 * — a keyed hash, nothing else — and the next register import does not add them again. Reactivating an
 * address lifts the contact's entries.
 */
import { keyedHash } from '../../lib/crypto.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { ContactRow, EndpointRow } from './contact.repository.js';
import type { ResidentRepositories } from './resident.store.js';

/** The suppression hash of an E.164 number or email (the register import computes the same). */
export const suppressionHash = (secret: string, e164OrEmail: string): string => keyedHash(secret, e164OrEmail);

export function optOut(secret: string) {
  const hashes = (endpoints: EndpointRow[]) =>
    endpoints.filter((e) => e.type !== 'push').map((e) => suppressionHash(secret, e.value));

  return {
    /** After an address of the contact was (de)activated, added or removed. */
    async syncAfterAddressChange(
      repos: ResidentRepositories,
      tenantId: TenantId,
      contact: ContactRow,
      now: number,
    ): Promise<void> {
      if (contact.source !== 'register') return;
      const [endpoints, links] = await Promise.all([
        repos.contacts.listEndpoints(tenantId, contact.id),
        repos.places.countLinks(tenantId, contact.id),
      ]);
      if (links.active > 0) await repos.contacts.unsuppress(tenantId, hashes(endpoints));
      else if (links.total > 0) await repos.contacts.suppress(tenantId, hashes(endpoints), now);
    },

    /** Before a contact is deleted. */
    async beforeDelete(
      repos: ResidentRepositories,
      tenantId: TenantId,
      contact: ContactRow,
      now: number,
    ): Promise<void> {
      if (contact.source !== 'register') return;
      await repos.contacts.suppress(tenantId, hashes(await repos.contacts.listEndpoints(tenantId, contact.id)), now);
    },

    /** A number or email from the register that the resident removed. */
    async afterEndpointRemoved(
      repos: ResidentRepositories,
      tenantId: TenantId,
      endpoint: EndpointRow,
      now: number,
    ): Promise<void> {
      if (endpoint.source !== 'register') return;
      await repos.contacts.suppress(tenantId, hashes([endpoint]), now);
    },
  };
}

export type OptOut = ReturnType<typeof optOut>;
