/**
 * The contact data manager, the contact itself: what `me` shows, registering as a private person or a
 * company contact, changing names, language and the hidden flag, exporting and deleting everything.
 * Numbers and emails are endpoint.service.ts, addresses contact-address.service.ts.
 */
import { ConflictError, ValidationError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { SessionService } from '../auth/session.service.js';
import type { ContactChanges, ContactRow } from './contact.repository.js';
import {
  canonicalBusinessId,
  COMPANY_FIELDS,
  parseBirthDate,
  PERSON_FIELDS,
  REGISTER_FIELDS,
} from './contact.rules.js';
import type { NoticeHistory } from './history.repository.js';
import { residentSubject, type ResidentIdentity, type ResidentSessionData } from './resident.identity.js';
import type { ContactChangeInput, SignUpInput } from './resident.schemas.js';
import type { OptOut } from './opt-out.js';
import type { ResidentStore } from './resident.store.js';
import { toContactView, toEndpointView, toMyAddressView, type MeView } from './resident.views.js';

export interface ResidentServiceDeps {
  store: ResidentStore;
  history: NoticeHistory;
  audit: AuditRepository;
  sessions: Pick<SessionService, 'update' | 'revoke' | 'revokeAll'>;
  optOut: OptOut;
  clock: Clock;
}

const YEAR_MS = 365 * 24 * 3_600_000;

/** The registered contact of a session; ConflictError when the resident has not registered yet. */
export async function requireContact(store: ResidentStore, me: ResidentIdentity): Promise<ContactRow> {
  const contact = me.contactId ? await store.contacts.find(me.tenant.id, me.contactId) : undefined;
  if (!contact) throw new ConflictError('register-first');
  return contact;
}

/** Hard delete of a contact and its rows; a public-register contact stays opted out (suppression). */
export async function deleteContact(
  store: ResidentStore,
  optOut: OptOut,
  tenantId: TenantId,
  contact: ContactRow,
  now: number,
): Promise<void> {
  await store.transaction(async (repos) => {
    await optOut.beforeDelete(repos, tenantId, contact, now);
    await repos.contacts.delete(tenantId, contact.id);
  });
}

function contactChanges(contact: ContactRow, change: ContactChangeInput, today: number): ContactChanges {
  const given = Object.keys(change).filter((k) => change[k as keyof ContactChangeInput] !== undefined);
  const foreign = contact.kind === 'person' ? COMPANY_FIELDS : PERSON_FIELDS;
  for (const field of given) {
    if ((foreign as readonly string[]).includes(field))
      throw new ValidationError(field, contact.kind === 'person' ? 'field-not-person' : 'field-not-company');
    if (contact.source === 'register' && (REGISTER_FIELDS as readonly string[]).includes(field)) {
      throw new ValidationError(field, 'field-from-register');
    }
  }
  return {
    ...(change.firstName !== undefined ? { first_name: change.firstName } : {}),
    ...(change.lastName !== undefined ? { last_name: change.lastName } : {}),
    ...(change.birthDate !== undefined
      ? { birth_date: change.birthDate === null ? null : parseBirthDate(change.birthDate, today) }
      : {}),
    ...(change.companyName !== undefined ? { company_name: change.companyName } : {}),
    ...(change.businessId !== undefined ? { business_id: canonicalBusinessId(change.businessId) } : {}),
    ...(change.contactPerson !== undefined ? { contact_person: change.contactPerson } : {}),
    ...(change.language !== undefined ? { language: change.language } : {}),
    ...(change.nameHidden !== undefined ? { name_hidden: change.nameHidden ? 1 : 0 } : {}),
  };
}

export function residentService(deps: ResidentServiceDeps) {
  const { store, audit, clock } = deps;
  const record = (me: ResidentIdentity, contactId: string, action: string, detail?: Record<string, unknown>) =>
    audit.record(me.tenant.id, clock.now(), {
      actorType: 'resident',
      actorId: contactId,
      action,
      subjectType: 'contact',
      subjectId: contactId,
      ...(detail ? { detail } : {}),
    });

  async function view(me: ResidentIdentity, contactId: string | null): Promise<MeView> {
    const details = contactId ? await store.details.find(me.tenant.id, contactId) : undefined;
    const base = { known: me.known, csrfToken: me.session.csrfToken };
    if (!details) return { contact: null, endpoints: [], addresses: [], ...base };
    return {
      contact: toContactView(details.contact),
      endpoints: details.endpoints.map(toEndpointView),
      addresses: details.places.map(toMyAddressView),
      ...base,
    };
  }

  return {
    me: (me: ResidentIdentity) => view(me, me.contactId),

    /** Creates the contact (supplementary register) with the number or email proved at login. */
    async register(me: ResidentIdentity, input: SignUpInput): Promise<MeView> {
      if (me.contactId && (await store.contacts.find(me.tenant.id, me.contactId)))
        throw new ConflictError('registered-already', {}, 'kind');
      const now = clock.now();
      const id = newId();
      const person = input.kind === 'person' ? input : undefined;
      const company = input.kind === 'company' ? input : undefined;
      const contact = {
        id,
        kind: input.kind,
        source: 'self' as const,
        person_id: null,
        first_name: person?.firstName ?? null,
        last_name: person?.lastName ?? null,
        birth_date: person?.birthDate ? parseBirthDate(person.birthDate, now) : null,
        company_name: company?.companyName ?? null,
        business_id: company ? canonicalBusinessId(company.businessId) : null,
        contact_person: company?.contactPerson ?? null,
        language: input.language ?? me.tenant.languages[0] ?? 'fi',
        name_hidden: 0 as const,
        priority: 0 as const,
        created_at: now,
        updated_at: now,
      };
      await store.transaction(async (repos) => {
        await repos.contacts.insert(me.tenant.id, contact);
        const login = {
          id: newId(),
          contact_id: id,
          type: me.login.type,
          value: me.login.value,
          source: 'self' as const,
          verified: 1 as const,
        };
        await repos.contacts.insertEndpoint(me.tenant.id, { ...login, created_at: now, updated_at: now });
      });
      const data: ResidentSessionData = { login: me.login, known: me.known, contactId: id };
      await deps.sessions.update(me.tenant.id, me.token, { subject: residentSubject(id), data: { ...data } });
      await record(me, id, 'resident.register', { kind: input.kind });
      return view({ ...me, contactId: id }, id);
    },

    async updateContact(me: ResidentIdentity, change: ContactChangeInput): Promise<MeView> {
      const contact = await requireContact(store, me);
      const changes = contactChanges(contact, change, clock.now());
      const fields = Object.keys(changes);
      if (fields.length > 0) {
        await store.contacts.update(me.tenant.id, contact.id, { ...changes, updated_at: clock.now() });
        await record(me, contact.id, 'resident.update', { fields });
      }
      return view(me, contact.id);
    },

    /** Everything kept about this contact, as one JSON document (the right of access, GDPR art. 15/20). */
    async exportData(me: ResidentIdentity): Promise<Record<string, unknown>> {
      const now = clock.now();
      const current = await view(me, me.contactId);
      const contactId = current.contact?.id;
      const trail = contactId ? await audit.list(me.tenant.id, { subjectId: contactId, limit: 1000 }) : [];
      const notices = contactId ? await deps.history.noticesFor(me.tenant.id, contactId, now - YEAR_MS) : [];
      if (contactId) await record(me, contactId, 'resident.export');
      return {
        exportedAt: new Date(now).toISOString(),
        controller: { name: me.tenant.name, slug: me.tenant.slug, contact: me.tenant.contactInfo },
        contact: current.contact,
        endpoints: current.endpoints,
        addresses: current.addresses,
        notices,
        changes: trail.map((t) => ({ at: new Date(t.at).toISOString(), action: t.action, by: t.actorType })),
      };
    },

    /** Hard delete of the contact and its rows; a public-register contact stays opted out (suppression). */
    async deleteAll(me: ResidentIdentity): Promise<void> {
      const contact = me.contactId ? await store.contacts.find(me.tenant.id, me.contactId) : undefined;
      if (contact) {
        await deleteContact(store, deps.optOut, me.tenant.id, contact, clock.now());
        // The trail keeps that a deletion happened (by whom, when), nothing of what was deleted.
        await record(me, contact.id, 'resident.delete', { source: contact.source });
        await deps.sessions.revokeAll(me.tenant.id, residentSubject(contact.id));
      }
      await deps.sessions.revoke(me.tenant.id, me.token);
    },

    async history(me: ResidentIdentity) {
      if (!me.contactId) return [];
      return deps.history.noticesFor(me.tenant.id, me.contactId, clock.now() - YEAR_MS);
    },
  };
}

export type ResidentService = ReturnType<typeof residentService>;
