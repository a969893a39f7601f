/**
 * Who a resident session is: the number or email proved with the login PIN, whether the public register
 * knew it, and the contact it opened (null until the resident registers). Kept in the session's data.
 */
import type { Session, SessionSubject } from '../auth/session.service.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { ParsedEndpoint } from '../auth/endpoint.parse.js';

export interface ResidentSessionData {
  login: ParsedEndpoint;
  known: boolean;
  contactId: string | null;
}

export interface ResidentIdentity extends ResidentSessionData {
  tenant: Tenant;
  session: Session;
  /** The raw session token (to re-point or end this session). */
  token: string;
  /** The client's IP, for the per-IP PIN limits. */
  ip: string;
}

/** Sessions of residents are subjects by contact id; before registering, by the endpoint key. */
export const residentSubject = (contactId: string): SessionSubject => ({ type: 'resident', id: contactId });
export const pendingSubject = (endpointKey: string): SessionSubject => ({
  type: 'resident',
  id: `pending:${endpointKey}`,
});

export function residentIdentity(
  auth: { tenant: Tenant; session: Session; token: string },
  ip: string,
): ResidentIdentity {
  const data = auth.session.data as Partial<ResidentSessionData>;
  return {
    tenant: auth.tenant,
    session: auth.session,
    token: auth.token,
    ip,
    login: data.login ?? { type: 'email', value: '' },
    known: data.known === true,
    contactId: typeof data.contactId === 'string' ? data.contactId : null,
  };
}
