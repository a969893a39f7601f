/**
 * Resident login with a one-time PIN. Asking for a PIN never looks at the contacts: a PIN goes to any
 * valid number or email (an unknown one may register after logging in), so the answer — and the work
 * behind it, hence its timing — is the same whether the endpoint is known or not. Only a correct PIN
 * reveals what the register holds, to the one who proved the endpoint.
 */
import type { Clock } from '../../lib/clock.js';
import { auditRow } from '../audit/audit.repository.js';
import { describePhone, phonePolicyOf, parseLoginEndpoint, type PhoneDescription } from '../auth/endpoint.parse.js';
import { pendingSubject, residentSubject, type ResidentSessionData } from './resident.identity.js';
import type { Language, Tenant } from '../tenants/tenant.types.js';
import { usedSolutionError, type CaptchaService } from '../auth/captcha.service.js';
import { pinChannelOf, type SendPin } from '../auth/pin-delivery.js';
import { endpointKey, type PinService } from '../auth/pin.service.js';
import type { CreatedSession, SessionService } from '../auth/session.service.js';

export interface LoginServiceDeps {
  captcha: Pick<CaptchaService, 'enabled' | 'check' | 'costFactor'>;
  pins: Pick<PinService, 'issue' | 'checkThen' | 'hourlyShare'>;
  sendPin: SendPin;
  sessions: Pick<SessionService, 'createConsumingPin'>;
  clock: Clock;
  secret: string;
}

export interface PinRequestInput {
  phone?: string | undefined;
  email?: string | undefined;
  captcha?: string | undefined;
  /** The language the portal is shown in, for the PIN message; default the tenant's first. */
  language?: Language | undefined;
}

export interface PinRequested {
  channel: 'sms' | 'voice' | 'email';
  pinLength: number;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

export interface LoginInput {
  phone?: string | undefined;
  email?: string | undefined;
  pin: string;
}

export interface LoggedIn extends CreatedSession {
  known: boolean;
  registered: boolean;
}

export interface PhoneUnderstood extends PhoneDescription {
  /** How the PIN would come: a text to a mobile, a call to a landline. */
  channel: 'sms' | 'voice';
}

export function loginService(deps: LoginServiceDeps) {
  return {
    /** The number as it would be read for a PIN (country, E.164, mobile or landline); sends nothing. */
    describePhone(tenant: Tenant, phone: string): PhoneUnderstood {
      const described = describePhone(phone, phonePolicyOf(tenant), 'phone');
      return { ...described, channel: described.type === 'landline' ? 'voice' : 'sms' };
    },

    async requestPin(tenant: Tenant, input: PinRequestInput, ip: string): Promise<PinRequested> {
      // The number is checked before the CAPTCHA so that a typo does not use up a solved CAPTCHA.
      const endpoint = parseLoginEndpoint(input, phonePolicyOf(tenant));
      const factor = deps.captcha.enabled
        ? await deps.captcha.costFactor({ tenantId: tenant.id, pinRateShare: () => deps.pins.hourlyShare(tenant) })
        : 1;
      const solution = deps.captcha.check(input.captcha, tenant.id, factor);
      const key = endpointKey(deps.secret, endpoint.value);
      // The solution is claimed (once) in the PIN's own statement.
      const claim = solution && { ...solution, taken: usedSolutionError };
      const channel = pinChannelOf(endpoint.type);
      const { code } = await deps.pins.issue(
        tenant,
        { purpose: 'login', subject: key, endpointKey: key, ip, channel },
        claim,
      );
      const language =
        input.language && tenant.languages.includes(input.language) ? input.language : (tenant.languages[0] ?? 'fi');
      await deps.sendPin({ tenant, endpoint, code, purpose: 'login', language });
      return {
        channel,
        pinLength: tenant.settings.pinLength,
        expiresInSeconds: tenant.settings.pinTtlMinutes * 60,
        resendAfterSeconds: tenant.settings.pinResendCooldownSeconds,
      };
    },

    /** Checks the PIN and starts a session on the contact this endpoint opens (none yet: registration). */
    async login(tenant: Tenant, input: LoginInput, ip: string): Promise<LoggedIn> {
      const endpoint = parseLoginEndpoint(input, phonePolicyOf(tenant));
      const key = endpointKey(deps.secret, endpoint.value);
      // Two statements on PostgreSQL: the PIN attempt claimed, with what the endpoint opens
      // (contact.repository's loginContactColumns; only a right PIN lets anything of it out); then, the PIN
      // right, the session that consumes it, with the audit entry of a login to a contact.
      const target = {
        purpose: 'login' as const,
        subject: key,
        endpointKey: key,
        ip,
        channel: pinChannelOf(endpoint.type),
      };
      const { session, data } = await deps.pins.checkThen(
        tenant,
        target,
        input.pin,
        async (pinId, login) => {
          const contactId = login?.contactId ?? null;
          const data: ResidentSessionData = { login: endpoint, known: login?.known ?? false, contactId };
          const audit =
            contactId === null
              ? undefined
              : auditRow(tenant.id, deps.clock.now(), {
                  actorType: 'resident',
                  actorId: contactId,
                  action: 'resident.login',
                  subjectType: 'contact',
                  subjectId: contactId,
                });
          const session = await deps.sessions.createConsumingPin(
            tenant.id,
            pinId,
            contactId ? residentSubject(contactId) : pendingSubject(key),
            { ...data },
            audit,
          );
          return session && { session, data };
        },
        endpoint.value,
      );
      return { ...session, known: data.known, registered: data.contactId !== null };
    },
  };
}

export type LoginService = ReturnType<typeof loginService>;
