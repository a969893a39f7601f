/**
 * One-click unsubscribe from emails (RFC 8058): every notice email carries a signed link for its
 * address and tenant; a POST to it removes that email from every contact of the tenant as a resident's
 * own removal does (a register email is also suppressed, so the next import does not bring it back),
 * audited. The token holds the address and an HMAC under the server secret bound to the tenant: it
 * cannot be made for another address or another tenant. It travels in the query string, which the
 * request log leaves out.
 */
import { keyedHash, safeEqual } from '../../lib/crypto.js';
import type { Clock } from '../../lib/clock.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { OptOut } from './opt-out.js';
import type { ResidentStore } from './resident.store.js';

const signature = (secret: string, tenantId: string, email: string) =>
  keyedHash(secret, `unsubscribe:${tenantId}:${email}`).slice(0, 32);

/** The token of `email` at `tenantId`: the address (base64url) and its signature. */
export function unsubscribeToken(secret: string, tenantId: string, email: string): string {
  return `${Buffer.from(email).toString('base64url')}.${signature(secret, tenantId, email)}`;
}

/** The email a token was made for at `tenantId`, or null for a token that is not one of ours. */
export function readUnsubscribeToken(secret: string, tenantId: string, token: string): string | null {
  const [encoded, signed] = token.split('.');
  if (!encoded || !signed) return null;
  const email = Buffer.from(encoded, 'base64url').toString();
  return safeEqual(signed, signature(secret, tenantId, email)) ? email : null;
}

/** The one-click address for `email` at `tenant` under `publicUrl` (List-Unsubscribe needs an absolute https URL). */
export function unsubscribeUrl(
  publicUrl: string,
  secret: string,
  tenant: Pick<Tenant, 'id' | 'slug'>,
  email: string,
): string {
  return `${publicUrl.replace(/\/$/, '')}/api/t/${tenant.slug}/unsubscribe?t=${unsubscribeToken(secret, tenant.id, email)}`;
}

export interface UnsubscribeDeps {
  store: ResidentStore;
  optOut: OptOut;
  audit: Pick<AuditRepository, 'record'>;
  clock: Clock;
  secret: string;
}

export function unsubscribeService(deps: UnsubscribeDeps) {
  return {
    /** Removes the token's email from the tenant's contacts; how many held it (0 again and again is fine). Null: not a valid token. */
    async unsubscribe(tenant: Pick<Tenant, 'id'>, token: string): Promise<{ removed: number } | null> {
      const email = readUnsubscribeToken(deps.secret, tenant.id, token);
      if (email === null) return null;
      const tenantId: TenantId = tenant.id;
      const now = deps.clock.now();
      const removed = await deps.store.transaction(async (repos) => {
        const endpoints = await repos.contacts.endpointsWithValue(tenantId, 'email', email);
        for (const endpoint of endpoints) {
          await repos.contacts.deleteEndpoint(tenantId, endpoint.id);
          await deps.optOut.afterEndpointRemoved(repos, tenantId, endpoint, now);
        }
        return endpoints;
      });
      for (const endpoint of removed) {
        await deps.audit.record(tenantId, now, {
          actorType: 'resident',
          actorId: endpoint.contact_id,
          action: 'endpoint.unsubscribe',
          subjectType: 'endpoint',
          subjectId: endpoint.id,
          detail: { type: 'email' },
        });
      }
      return { removed: removed.length };
    },
  };
}

export type UnsubscribeService = ReturnType<typeof unsubscribeService>;
