/**
 * The resident API the portal uses (src/modules/residents, src/modules/auth): every route in one place,
 * so that the pages only deal in these functions and types.
 */
import { sessionGuard, tenantPath, type ApiClient } from '../shared/api';
import type { Address } from '../shared/components/AddressPicker';
import type { Language, Service } from '../shared/tenant';

export type ContactKind = 'person' | 'company';
export type Source = 'register' | 'self';
export type EndpointType = 'mobile' | 'landline' | 'email' | 'push';

export interface Endpoint {
  id: string;
  type: EndpointType;
  value: string;
  source: Source;
  verified: boolean;
}

export interface MyAddress {
  id: string;
  addressId: string;
  role: 'main' | 'extra';
  label: string | null;
  source: Source;
  active: boolean;
  address: Address;
}

export interface Contact {
  id: string;
  kind: ContactKind;
  source: Source;
  firstName: string | null;
  lastName: string | null;
  companyName: string | null;
  businessId: string | null;
  contactPerson: string | null;
  birthDate: string | null;
  language: Language | null;
  nameHidden: boolean;
}

export interface Me {
  /** null until the resident registers (the number or email was not known). */
  contact: Contact | null;
  /** Whether the endpoint the resident logged in with was already in the register. */
  known: boolean;
  endpoints: Endpoint[];
  addresses: MyAddress[];
  csrfToken?: string;
}

export interface Login {
  phone?: string;
  email?: string;
}

export interface PinRequest extends Login {
  captcha?: string;
  /** The language of the PIN message. */
  language?: Language;
}

export interface PinAnswer {
  channel: 'sms' | 'voice' | 'email';
  pinLength: number;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

/** A phone number as the server reads it in the tenant's country, before a PIN goes to it. */
export interface PhoneUnderstood {
  number: string;
  formatted: string;
  country: string;
  type: 'mobile' | 'landline';
  channel: 'sms' | 'voice';
}

export interface LoginAnswer {
  csrfToken: string;
  expiresAt: string;
  known: boolean;
  registered: boolean;
}

export interface PersonInput {
  kind: 'person';
  firstName: string;
  lastName: string;
  birthDate?: string;
  language: Language;
}

export interface CompanyInput {
  kind: 'company';
  companyName: string;
  businessId: string;
  contactPerson: string;
  language: Language;
}

export type RegistrationInput = PersonInput | CompanyInput;

export type ContactChange = Partial<Omit<PersonInput, 'kind'> & Omit<CompanyInput, 'kind'>> & { nameHidden?: boolean };

export interface OtherTenant {
  slug: string;
  name: string;
  services: Service[];
}

export interface AddedAddress {
  address: MyAddress;
  /** Other tenants whose service area covers the address: the register-once offer. */
  otherTenants: OtherTenant[];
}

export interface RegisterOnceResult {
  slug: string;
  name: string | null;
  status: 'registered' | 'already-registered' | 'address-not-found' | 'not-covering';
  message: string;
}

export interface Notice {
  id: string;
  sentAt: string;
  channel: string;
  kind: string;
  service: string;
  text: string;
  address?: string;
  status: 'delivered' | 'sent' | 'failed';
}

/**
 * The portal's calls. `onSessionLost` runs when a logged-in call answers 401 (the session expired or
 * was revoked), so that the page can go back to the login.
 */
export function portalApi(api: ApiClient, slug: string, onSessionLost: () => void = () => {}) {
  const path = (p: string) => tenantPath(slug, p);
  const authed = sessionGuard(onSessionLost);
  return {
    captchaUrl: path('/captcha'),
    captchaChallenge: () => api.get<unknown>(path('/captcha')),
    understandPhone: (phone: string) => api.post<PhoneUnderstood>(path('/login/phone'), { phone }),
    requestPin: (body: PinRequest) => api.post<PinAnswer>(path('/login/pin'), body),
    login: (body: Login & { pin: string }) => api.post<LoginAnswer>(path('/login'), body),
    logout: authed(() => api.post<void>(path('/logout'))),
    me: () => api.get<Me>(path('/me')),
    register: authed((body: RegistrationInput) => api.post<Me>(path('/me'), body)),
    updateContact: authed((body: ContactChange) => api.patch<Me>(path('/me'), body)),
    addEndpoint: authed((body: { value: string; type?: Exclude<EndpointType, 'push'> }) => api.post<Endpoint>(path('/me/endpoints'), body)),
    verifyEndpoint: authed((id: string, pin: string) => api.post<Endpoint>(path(`/me/endpoints/${id}/verify`), { pin })),
    resendEndpointPin: authed((id: string) => api.post<void>(path(`/me/endpoints/${id}/pin`))),
    updateEndpoint: authed((id: string, body: { type: 'mobile' | 'landline' }) => api.patch<Endpoint>(path(`/me/endpoints/${id}`), body)),
    removeEndpoint: authed((id: string) => api.delete<void>(path(`/me/endpoints/${id}`))),
    /** My numbers that answered STOP by SMS: no notices go to them until taken back. */
    smsOptOuts: authed(() => api.get<{ items: Array<{ number: string; since: string }> }>(path('/me/sms-opt-outs'))),
    undoSmsOptOut: authed((number: string) => api.delete<void>(path(`/me/sms-opt-outs/${encodeURIComponent(number)}`))),
    addAddress: authed((body: { addressId: string; role: 'main' | 'extra'; label?: string }) => api.post<AddedAddress>(path('/me/addresses'), body)),
    updateAddress: authed((id: string, body: { role?: 'main'; label?: string | null; active?: boolean }) => api.patch<MyAddress>(path(`/me/addresses/${id}`), body)),
    removeAddress: authed((id: string) => api.delete<void>(path(`/me/addresses/${id}`))),
    registerElsewhere: authed((id: string, tenants: string[]) => api.post<{ results: RegisterOnceResult[] }>(path(`/me/addresses/${id}/register-once`), { tenants })),
    history: authed(() => api.get<{ items: Notice[] }>(path('/me/history'))),
    exportUrl: path('/me/export'),
    deleteAll: authed(() => api.delete<void>(path('/me'))),
  };
}

export type PortalApi = ReturnType<typeof portalApi>;
