/**
 * "Notify this browser": a resident's browser subscriptions to web push, kept as the contact's endpoints
 * of type `push` (the subscription's JSON as the value), so that recipient resolution sends to them like
 * to numbers and emails. Nothing to verify: the browser that subscribed is the logged-in resident's own.
 * Offered only where push reaches browsers (a push service, or the dev inbox on a developer's machine).
 */
import { AppError, ConflictError, NotFoundError } from '../../errors.js';
import type { VapidKeys } from '../../channels/push/vapid-keys.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { EndpointRow } from './contact.repository.js';
import { requireContact } from './resident.service.js';
import type { ResidentIdentity } from './resident.identity.js';
import type { ResidentStore } from './resident.store.js';

/** Browsers one contact may have notified: a household's phones and computers, not a mailing list. */
export const MAX_PUSH_SUBSCRIPTIONS = 10;

export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushSubscriptionView {
  id: string;
  /** The push service's address for this browser (the page compares it with its own subscription). */
  endpoint: string;
  /** The push service's host, to tell browsers apart. */
  service: string;
  createdAt: string;
}

export interface PushSubscriptionServiceDeps {
  store: ResidentStore;
  audit: AuditRepository;
  clock: Clock;
  /** Whether push reaches browsers here (config.ts `pushOffered`). */
  offered: boolean;
  keys(): Promise<VapidKeys>;
}

/** The stored form: the fields a push needs, in one order, so that the same browser is one endpoint. */
const valueOf = (s: PushSubscriptionInput): string =>
  JSON.stringify({ endpoint: s.endpoint, keys: { p256dh: s.keys.p256dh, auth: s.keys.auth } });

function toView(row: Pick<EndpointRow, 'id' | 'value' | 'created_at'>): PushSubscriptionView {
  const { endpoint } = JSON.parse(row.value) as PushSubscriptionInput;
  return { id: row.id, endpoint, service: new URL(endpoint).host, createdAt: new Date(row.created_at).toISOString() };
}

export function pushSubscriptionService(deps: PushSubscriptionServiceDeps) {
  const { store, clock } = deps;
  const requireOffered = () => {
    if (!deps.offered) throw new AppError('push-off', 404);
  };
  const pushEndpoints = async (me: ResidentIdentity, contactId: string) =>
    (await store.contacts.listEndpoints(me.tenant.id, contactId)).filter((e) => e.type === 'push');
  const record = (me: ResidentIdentity, contactId: string, action: string, id: string) =>
    deps.audit.record(me.tenant.id, clock.now(), {
      actorType: 'resident',
      actorId: contactId,
      action,
      subjectType: 'endpoint',
      subjectId: id,
      detail: { type: 'push' },
    });

  return {
    /** The VAPID public key browsers subscribe with (`applicationServerKey`); null where push is not offered. */
    async publicKey(): Promise<string | null> {
      return deps.offered ? (await deps.keys()).publicKey : null;
    },

    /** Adds this browser; the same subscription again is the one already kept. */
    async add(
      me: ResidentIdentity,
      input: PushSubscriptionInput,
    ): Promise<{ created: boolean; view: PushSubscriptionView }> {
      requireOffered();
      const contact = await requireContact(store, me);
      const value = valueOf(input);
      const existing = await store.contacts.findEndpointByValue(me.tenant.id, contact.id, value);
      if (existing) return { created: false, view: toView(existing) };
      if ((await pushEndpoints(me, contact.id)).length >= MAX_PUSH_SUBSCRIPTIONS)
        throw new ConflictError('push-subscriptions-full', { maximum: MAX_PUSH_SUBSCRIPTIONS });
      const now = clock.now();
      const row = {
        id: newId(),
        contact_id: contact.id,
        type: 'push' as const,
        value,
        source: 'self' as const,
        verified: 1 as const,
        created_at: now,
        updated_at: now,
      };
      await store.contacts.insertEndpoint(me.tenant.id, row);
      await record(me, contact.id, 'endpoint.add', row.id);
      return { created: true, view: toView(row) };
    },

    async list(me: ResidentIdentity): Promise<PushSubscriptionView[]> {
      const contact = await requireContact(store, me);
      return (await pushEndpoints(me, contact.id)).map(toView);
    },

    async remove(me: ResidentIdentity, id: string): Promise<void> {
      const contact = await requireContact(store, me);
      const endpoint = await store.contacts.findEndpoint(me.tenant.id, contact.id, id);
      if (!endpoint || endpoint.type !== 'push') throw new NotFoundError('browser');
      await store.contacts.deleteEndpoint(me.tenant.id, id);
      await record(me, contact.id, 'endpoint.remove', id);
    },
  };
}

export type PushSubscriptionService = ReturnType<typeof pushSubscriptionService>;
