/** What residents see of their rows: camelCase views, flags as booleans. Pure. */
import { toAddressView, type AddressView } from '../addresses/address.search.js';
import type { Language } from '../tenants/tenant.types.js';
import type { PlaceWithAddress } from './place.repository.js';
import type { ContactRow, EndpointRow } from './contact.repository.js';

export interface ContactView {
  id: string;
  kind: 'person' | 'company';
  /** `register` = public population register; `self` = supplementary register (entered by the resident). */
  source: 'register' | 'self';
  firstName: string | null;
  lastName: string | null;
  companyName: string | null;
  businessId: string | null;
  contactPerson: string | null;
  birthDate: string | null;
  language: Language | null;
  nameHidden: boolean;
}

export interface EndpointView {
  id: string;
  type: 'mobile' | 'landline' | 'email' | 'push';
  value: string;
  source: 'register' | 'self';
  /** Whether it receives alerts: public-register numbers do; a number a resident added, once verified by PIN. */
  verified: boolean;
}

export interface MyAddressView {
  id: string;
  addressId: string;
  role: 'main' | 'extra';
  label: string | null;
  source: 'register' | 'self';
  active: boolean;
  address: AddressView;
}

export interface MeView {
  /** null until the resident registers (the number or email was in no contact). */
  contact: ContactView | null;
  /** Whether the number or email logged in with was already in the public register. */
  known: boolean;
  endpoints: EndpointView[];
  addresses: MyAddressView[];
  csrfToken: string;
}

export function toContactView(row: ContactRow): ContactView {
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    firstName: row.first_name,
    lastName: row.last_name,
    companyName: row.company_name,
    businessId: row.business_id,
    contactPerson: row.contact_person,
    birthDate: row.birth_date,
    language: row.language as Language | null,
    nameHidden: row.name_hidden === 1,
  };
}

export function toEndpointView(row: EndpointRow): EndpointView {
  return {
    id: row.id,
    type: row.type,
    value: row.value,
    source: row.source,
    verified: row.verified === 1 || row.source === 'register',
  };
}

export function toMyAddressView({ link, address }: PlaceWithAddress): MyAddressView {
  return {
    id: link.id,
    addressId: link.address_id,
    role: link.role,
    label: link.label,
    source: link.source,
    active: link.active === 1,
    address: toAddressView(address),
  };
}
