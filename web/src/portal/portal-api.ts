/**
 * The resident API the portal uses (src/modules/residents, src/modules/auth): every route in one place,
 * so that the pages only deal in these functions and types.
 */
import type * as api from '../../../src/contracts';
import { sessionGuard, tenantPath, type ApiClient } from '../shared/api';

export type ContactKind = api.ContactView['kind'];
export type Source = api.EndpointView['source'];
export type EndpointType = api.EndpointView['type'];

export type Endpoint = api.EndpointView;
export type MyAddress = api.MyAddressView;
export type Contact = api.ContactView;
/** `contact` is null until the resident registers; `known`: the login's number or email was in the register. */
export type Me = api.Me;

/** A phone number or an email to log in with. */
export type Login = Pick<api.PinRequest, 'phone' | 'email'>;
export type PinRequest = api.PinRequest;
export type PinAnswer = api.PinAnswer;
/** A phone number as the server reads it in the tenant's country, before a PIN goes to it. */
export type PhoneUnderstood = api.PhoneUnderstood;
export type LoginAnswer = api.LoginAnswer;

export type SignUpInput = api.SignUpInput;
export type ContactChange = api.ContactChange;

/** The address added, and other tenants whose service area covers it (the register-once offer). */
export type AddedAddress = api.AddedAddress;
export type OtherTenant = AddedAddress['otherTenants'][number];
export type SignUpOnceResult = api.SignUpOnceResult;
export type Notice = api.Notice;
/** A browser that gets notices (web push). */
export type PushSubscriptionView = api.PushSubscriptionView;

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
    login: (body: api.LoginInput) => api.post<LoginAnswer>(path('/login'), body),
    logout: authed(() => api.post<void>(path('/logout'))),
    me: () => api.get<Me>(path('/me')),
    register: authed((body: SignUpInput) => api.post<Me>(path('/me'), body)),
    updateContact: authed((body: ContactChange) => api.patch<Me>(path('/me'), body)),
    addEndpoint: authed((body: api.EndpointInput) => api.post<Endpoint>(path('/me/endpoints'), body)),
    verifyEndpoint: authed((id: string, pin: string) =>
      api.post<Endpoint>(path(`/me/endpoints/${id}/verify`), { pin }),
    ),
    resendEndpointPin: authed((id: string) => api.post<void>(path(`/me/endpoints/${id}/pin`))),
    updateEndpoint: authed((id: string, body: api.EndpointChange) =>
      api.patch<Endpoint>(path(`/me/endpoints/${id}`), body),
    ),
    removeEndpoint: authed((id: string) => api.delete<void>(path(`/me/endpoints/${id}`))),
    /** My numbers that answered STOP by SMS: no notices go to them until taken back. */
    smsOptOuts: authed(() => api.get<{ items: api.SmsOptOut[] }>(path('/me/sms-opt-outs'))),
    undoSmsOptOut: authed((number: string) => api.delete<void>(path(`/me/sms-opt-outs/${encodeURIComponent(number)}`))),
    /** The key a browser subscribes with; null where browser notifications are not offered. */
    pushPublicKey: () => api.get<{ publicKey: string | null }>(path('/push/public-key')),
    pushSubscriptions: authed(() => api.get<{ items: PushSubscriptionView[] }>(path('/me/push-subscriptions'))),
    addPushSubscription: authed((body: api.PushSubscriptionInput) =>
      api.post<PushSubscriptionView>(path('/me/push-subscriptions'), body),
    ),
    removePushSubscription: authed((id: string) => api.delete<void>(path(`/me/push-subscriptions/${id}`))),
    addAddress: authed((body: api.AddressInput) => api.post<AddedAddress>(path('/me/addresses'), body)),
    updateAddress: authed((id: string, body: api.AddressChange) =>
      api.patch<MyAddress>(path(`/me/addresses/${id}`), body),
    ),
    removeAddress: authed((id: string) => api.delete<void>(path(`/me/addresses/${id}`))),
    registerElsewhere: authed((id: string, tenants: string[]) =>
      api.post<{ results: SignUpOnceResult[] }>(path(`/me/addresses/${id}/register-once`), { tenants }),
    ),
    history: authed(() => api.get<{ items: Notice[] }>(path('/me/history'))),
    exportUrl: path('/me/export'),
    deleteAll: authed(() => api.delete<void>(path('/me'))),
  };
}

export type PortalApi = ReturnType<typeof portalApi>;
