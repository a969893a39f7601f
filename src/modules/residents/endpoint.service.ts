/**
 * A contact's numbers and emails: add, verify, resend the PIN, correct mobile/landline, remove. A new
 * number or email receives alerts only once it is verified with a PIN sent to it, so nobody can sign up
 * someone else's phone; the one proved at login counts as verified.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { pinChannelOf, type SendPin } from '../auth/pin-delivery.js';
import { endpointKey, type PinService, type PinTarget } from '../auth/pin.service.js';
import type { Language } from '../tenants/tenant.types.js';
import type { EndpointRow } from './contact.repository.js';
import { phonePolicyOf, parseEndpoint, type ParsedEndpoint } from '../auth/endpoint.parse.js';
import type { OptOut } from './opt-out.js';
import { requireContact } from './resident.service.js';
import type { ResidentIdentity } from './resident.identity.js';
import type { ResidentStore } from './resident.store.js';
import { toEndpointView, type EndpointView } from './resident.views.js';

export interface EndpointServiceDeps {
  store: ResidentStore;
  pins: Pick<PinService, 'issue' | 'check' | 'forget'>;
  sendPin: SendPin;
  audit: AuditRepository;
  optOut: OptOut;
  clock: Clock;
  secret: string;
}

export interface NewEndpointInput {
  value: string;
  type?: 'mobile' | 'landline' | 'email' | undefined;
}

/** The parsed endpoint with the resident's own mobile/landline choice, which must fit the value. */
function withChosenType(parsed: ParsedEndpoint, type: NewEndpointInput['type']): ParsedEndpoint {
  if (!type) return parsed;
  if ((type === 'email') !== (parsed.type === 'email'))
    throw new ValidationError('type', parsed.type === 'email' ? 'endpoint-type-email' : 'endpoint-type-phone');
  return { ...parsed, type };
}

export function endpointService(deps: EndpointServiceDeps) {
  const { store, clock } = deps;
  const record = (
    me: ResidentIdentity,
    contactId: string,
    action: string,
    endpoint: Pick<EndpointRow, 'id' | 'type'>,
  ) =>
    deps.audit.record(me.tenant.id, clock.now(), {
      actorType: 'resident',
      actorId: contactId,
      action,
      subjectType: 'endpoint',
      subjectId: endpoint.id,
      detail: { type: endpoint.type },
    });

  async function endpointOf(me: ResidentIdentity, id: string): Promise<{ contactId: string; endpoint: EndpointRow }> {
    const contact = await requireContact(store, me);
    const endpoint = await store.contacts.findEndpoint(me.tenant.id, contact.id, id);
    if (!endpoint) throw new NotFoundError('number or email');
    return { contactId: contact.id, endpoint };
  }

  /** The PIN that verifies `endpoint` (its id the subject, its value the per-endpoint counters). */
  const verifyTarget = (me: ResidentIdentity, endpoint: Pick<EndpointRow, 'id' | 'type' | 'value'>): PinTarget => ({
    purpose: 'verify',
    subject: endpoint.id,
    endpointKey: endpointKey(deps.secret, endpoint.value),
    ip: me.ip,
    channel: pinChannelOf(endpoint.type as ParsedEndpoint['type']),
  });

  async function sendVerificationPin(
    me: ResidentIdentity,
    endpoint: Pick<EndpointRow, 'id' | 'type' | 'value'>,
    language: Language,
  ): Promise<void> {
    const { code } = await deps.pins.issue(me.tenant, verifyTarget(me, endpoint));
    await deps.sendPin({
      tenant: me.tenant,
      endpoint: { type: endpoint.type as ParsedEndpoint['type'], value: endpoint.value },
      code,
      purpose: 'verify',
      language,
    });
  }

  const languageOf = (me: ResidentIdentity, language: string | null): Language =>
    (language as Language | null) ?? me.tenant.languages[0] ?? 'fi';

  return {
    /** Adds a number or email; unless it is the one proved at login, a PIN goes to it for verification. */
    async add(me: ResidentIdentity, input: NewEndpointInput): Promise<EndpointView> {
      const contact = await requireContact(store, me);
      const parsed = withChosenType(parseEndpoint(input.value, phonePolicyOf(me.tenant), 'value'), input.type);
      if (await store.contacts.findEndpointByValue(me.tenant.id, contact.id, parsed.value))
        throw new ConflictError('endpoint-exists', {}, 'value');
      const now = clock.now();
      const proved = parsed.value === me.login.value;
      const row = {
        id: newId(),
        contact_id: contact.id,
        type: parsed.type,
        value: parsed.value,
        source: 'self' as const,
        verified: (proved ? 1 : 0) as 0 | 1,
        created_at: now,
        updated_at: now,
      };
      // The PIN is issued before the row exists, so that a refused PIN (rate limits) leaves nothing behind.
      const pin = proved ? undefined : await deps.pins.issue(me.tenant, verifyTarget(me, row));
      await store.contacts.insertEndpoint(me.tenant.id, row);
      if (pin) {
        try {
          await deps.sendPin({
            tenant: me.tenant,
            endpoint: parsed,
            code: pin.code,
            purpose: 'verify',
            language: languageOf(me, contact.language),
          });
        } catch (error) {
          // A number whose PIN never left cannot be verified: take it back rather than keep it half-added.
          await store.contacts.deleteEndpoint(me.tenant.id, row.id);
          throw error;
        }
      }
      await record(me, contact.id, 'endpoint.add', row);
      return toEndpointView({ ...row, tenant_id: me.tenant.id });
    },

    async verify(me: ResidentIdentity, id: string, pin: string): Promise<EndpointView> {
      const { contactId, endpoint } = await endpointOf(me, id);
      if (endpoint.verified === 1) return toEndpointView(endpoint);
      await deps.pins.check(me.tenant, verifyTarget(me, endpoint), pin);
      const now = clock.now();
      await store.contacts.updateEndpoint(me.tenant.id, endpoint.id, { verified: 1, updated_at: now });
      await record(me, contactId, 'endpoint.verify', endpoint);
      return toEndpointView({ ...endpoint, verified: 1, updated_at: now });
    },

    async resendPin(me: ResidentIdentity, id: string): Promise<void> {
      const { contactId, endpoint } = await endpointOf(me, id);
      if (endpoint.verified === 1) throw new ConflictError('endpoint-verified');
      const contact = await store.contacts.find(me.tenant.id, contactId);
      await sendVerificationPin(me, endpoint, languageOf(me, contact?.language ?? null));
    },

    /**
     * Changes the number or email (it then needs verifying again: a PIN goes to the new one), or corrects
     * mobile ↔ landline (SMS or voice call). A changed public-register number is suppressed like a removed one.
     */
    async change(
      me: ResidentIdentity,
      id: string,
      input: { value?: string | undefined; type?: NewEndpointInput['type'] },
    ): Promise<EndpointView> {
      const { contactId, endpoint } = await endpointOf(me, id);
      if (endpoint.type === 'push') throw new ValidationError('type', 'endpoint-push');
      const now = clock.now();
      const parsed =
        input.value === undefined
          ? { type: endpoint.type, value: endpoint.value }
          : parseEndpoint(input.value, phonePolicyOf(me.tenant), 'value');
      const wanted = withChosenType(parsed, input.type);
      if (wanted.value === endpoint.value) {
        await store.contacts.updateEndpoint(me.tenant.id, endpoint.id, { type: wanted.type, updated_at: now });
        await record(me, contactId, 'endpoint.update', { id: endpoint.id, type: wanted.type });
        return toEndpointView({ ...endpoint, type: wanted.type, updated_at: now });
      }
      if (await store.contacts.findEndpointByValue(me.tenant.id, contactId, wanted.value))
        throw new ConflictError('endpoint-exists', {}, 'value');
      const proved = wanted.value === me.login.value;
      // The old number's PIN (and its resend cooldown) does not carry over to the new one; the IP and
      // per-number hourly limits still count.
      await deps.pins.forget(me.tenant, 'verify', endpoint.id);
      const pin = proved
        ? undefined
        : await deps.pins.issue(me.tenant, verifyTarget(me, { id: endpoint.id, ...wanted }));
      const changed: EndpointRow = {
        ...endpoint,
        type: wanted.type,
        value: wanted.value,
        source: 'self',
        verified: proved ? 1 : 0,
        updated_at: now,
      };
      await store.transaction(async (repos) => {
        await repos.contacts.updateEndpoint(me.tenant.id, endpoint.id, {
          type: changed.type,
          value: changed.value,
          source: 'self',
          verified: changed.verified,
          updated_at: now,
        });
        await deps.optOut.afterEndpointRemoved(repos, me.tenant.id, endpoint, now);
      });
      if (pin) {
        const contact = await store.contacts.find(me.tenant.id, contactId);
        await deps.sendPin({
          tenant: me.tenant,
          endpoint: wanted,
          code: pin.code,
          purpose: 'verify',
          language: languageOf(me, contact?.language ?? null),
        });
      }
      await record(me, contactId, 'endpoint.change', changed);
      return toEndpointView(changed);
    },

    /** Removes it; a number from the public register gets a suppression entry so that no import brings it back. */
    async remove(me: ResidentIdentity, id: string): Promise<void> {
      const { contactId, endpoint } = await endpointOf(me, id);
      const now = clock.now();
      await store.transaction(async (repos) => {
        await repos.contacts.deleteEndpoint(me.tenant.id, endpoint.id);
        await deps.optOut.afterEndpointRemoved(repos, me.tenant.id, endpoint, now);
      });
      await deps.pins.forget(me.tenant, 'verify', endpoint.id);
      await record(me, contactId, 'endpoint.remove', endpoint);
    },
  };
}

export type EndpointService = ReturnType<typeof endpointService>;
