/**
 * The rules of a register import for one batch of persons, as a pure function: what the file says
 * (prepared persons) against what is stored (their register contacts) → the writes that make the
 * register-sourced data match the file, and how each person came out.
 *
 * - Self-registered data wins: rows with source 'self' are never written or deleted here; a number the
 *   contact already holds (of either source, of either type — the resident may have corrected it) is kept
 *   as it is.
 * - A number is not *added* when it is suppressed (the resident opted out) or when a self-registered entry
 *   holds it for the same address.
 * - Names and birth date follow the register; the language only on creation (residents may change it).
 * - A moved person's register address is replaced; one the resident switched off stays switched off.
 */
import type { Language } from '../tenants/tenant.types.js';
import type { RegisterPhone } from './register.row.js';

/** A register row ready to be compared: validated, its address matched, its person id keyed. */
export interface PreparedPerson {
  line: number;
  /** Keyed hash of the register's person id (what contacts.person_id holds). */
  personKey: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  language: Language | null;
  addressId: string;
  phones: RegisterPhone[];
}

export interface StoredContact {
  id: string;
  person_id: string | null;
  first_name: string | null;
  last_name: string | null;
  birth_date: string | null;
}

export interface StoredEndpoint {
  id: string;
  contact_id: string;
  value: string;
  source: 'register' | 'self';
}

export interface StoredLink {
  id: string;
  contact_id: string;
  address_id: string;
  role: 'main' | 'extra';
  source: 'register' | 'self';
  active: 0 | 1;
}

export interface StoredPerson {
  contact: StoredContact;
  endpoints: StoredEndpoint[];
  links: StoredLink[];
}

export interface NewContact {
  id: string;
  personKey: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  language: Language | null;
}

export interface NewEndpoint {
  id: string;
  contactId: string;
  phone: RegisterPhone;
}

export interface NewLink {
  id: string;
  contactId: string;
  addressId: string;
  role: 'main' | 'extra';
  active: 0 | 1;
}

/** Everything one batch writes; ids of deleted rows are register-sourced rows only. */
export interface WritePlan {
  contactsToInsert: NewContact[];
  /** Contacts whose names or birth date changed. */
  contactsToUpdate: NewContact[];
  endpointsToInsert: NewEndpoint[];
  endpointsToDelete: string[];
  linksToInsert: NewLink[];
  linksToDelete: string[];
  /** Extra register contacts of one person (left by an older bug or a concurrent import): removed. */
  duplicateContacts: string[];
}

export type Outcome = 'added' | 'updated' | 'unchanged' | 'skipped';

export interface DiffContext {
  newId(): string;
  isSuppressed(value: string): boolean;
  /** A self-registered entry holds this number for this address. */
  isSelfCovered(addressId: string, value: string): boolean;
  /** Numbers not added, by why. */
  counts: { suppressed: number; selfCovered: number };
}

export const emptyPlan = (): WritePlan => ({
  contactsToInsert: [],
  contactsToUpdate: [],
  endpointsToInsert: [],
  endpointsToDelete: [],
  linksToInsert: [],
  linksToDelete: [],
  duplicateContacts: [],
});

function newPhones(person: PreparedPerson, held: ReadonlySet<string>, context: DiffContext): RegisterPhone[] {
  const added: RegisterPhone[] = [];
  for (const phone of person.phones) {
    if (held.has(phone.value)) continue;
    if (context.isSuppressed(phone.value)) context.counts.suppressed++;
    else if (context.isSelfCovered(person.addressId, phone.value)) context.counts.selfCovered++;
    else added.push(phone);
  }
  return added;
}

function addPerson(person: PreparedPerson, phones: RegisterPhone[], context: DiffContext, plan: WritePlan): Outcome {
  const contactId = context.newId();
  const { personKey, firstName, lastName, birthDate, language } = person;
  plan.contactsToInsert.push({ id: contactId, personKey, firstName, lastName, birthDate, language });
  for (const phone of phones) plan.endpointsToInsert.push({ id: context.newId(), contactId, phone });
  plan.linksToInsert.push({ id: context.newId(), contactId, addressId: person.addressId, role: 'main', active: 1 });
  return 'added';
}

/** The register address follows the file; returns whether anything is written. */
function planAddress(person: PreparedPerson, stored: StoredPerson, context: DiffContext, plan: WritePlan): boolean {
  const replaced = stored.links.filter((l) => l.source === 'register' && l.address_id !== person.addressId);
  for (const link of replaced) plan.linksToDelete.push(link.id);
  if (stored.links.some((l) => l.address_id === person.addressId)) return replaced.length > 0;
  const kept = stored.links.filter((l) => !replaced.includes(l));
  plan.linksToInsert.push({
    id: context.newId(),
    contactId: stored.contact.id,
    addressId: person.addressId,
    role: kept.some((l) => l.role === 'main') ? 'extra' : 'main',
    // A resident who switched alerts off for the old register address has them off for the new one.
    active: replaced.length > 0 && replaced.every((l) => l.active === 0) ? 0 : 1,
  });
  return true;
}

function updatePerson(person: PreparedPerson, stored: StoredPerson, context: DiffContext, plan: WritePlan): Outcome {
  const { contact } = stored;
  const held = new Set(stored.endpoints.map((e) => e.value));
  const wanted = new Set(person.phones.map((p) => p.value));
  const gone = stored.endpoints.filter((e) => e.source === 'register' && !wanted.has(e.value));
  const added = newPhones(person, held, context);
  if (stored.endpoints.length - gone.length + added.length === 0) return 'skipped';

  let changed = gone.length > 0 || added.length > 0;
  for (const endpoint of gone) plan.endpointsToDelete.push(endpoint.id);
  for (const phone of added) plan.endpointsToInsert.push({ id: context.newId(), contactId: contact.id, phone });
  if (
    contact.first_name !== person.firstName ||
    contact.last_name !== person.lastName ||
    contact.birth_date !== person.birthDate
  ) {
    const { personKey, firstName, lastName, birthDate, language } = person;
    plan.contactsToUpdate.push({ id: contact.id, personKey, firstName, lastName, birthDate, language });
    changed = true;
  }
  if (planAddress(person, stored, context, plan)) changed = true;
  return changed ? 'updated' : 'unchanged';
}

/**
 * Compares one person. `stored` holds every register contact with the person's key (normally one or
 * none). A 'skipped' person has nothing left to be reached by: any stored register data of theirs is
 * removed by the sweep at the end of the import.
 */
export function diffPerson(
  person: PreparedPerson,
  stored: readonly StoredPerson[],
  context: DiffContext,
  plan: WritePlan,
): Outcome {
  const [first, ...duplicates] = stored;
  for (const duplicate of duplicates) plan.duplicateContacts.push(duplicate.contact.id);
  if (first) return updatePerson(person, first, context, plan);
  const phones = newPhones(person, new Set(), context);
  return phones.length === 0 ? 'skipped' : addPerson(person, phones, context, plan);
}
