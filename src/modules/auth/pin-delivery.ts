/**
 * Sends a PIN the way the endpoint is reached: a mobile by SMS, a landline by a voice call, an email by
 * email. The channel decides the provider (the dev inbox by default).
 */
import type { Channels } from '../../channels/channel.js';
import { AppError } from '../../errors.js';
import { newId } from '../../lib/ids.js';
import type { ParsedEndpoint } from './endpoint.parse.js';
import type { Language, Tenant } from '../tenants/tenant.types.js';
import { smsSenderOf } from '../tenants/tenant.country.js';
import type { PinPurpose } from './pin.repository.js';
import { pinSpeech, pinText } from './pin-message.js';

const CHANNEL_OF = { mobile: 'sms', landline: 'voice', email: 'email' } as const;

/** The channel a PIN to an endpoint of this kind goes out on: a mobile by SMS, a landline by voice. */
export const pinChannelOf = (type: ParsedEndpoint['type']) => CHANNEL_OF[type];

export interface PinDelivery {
  tenant: Tenant;
  endpoint: ParsedEndpoint;
  code: string;
  purpose: PinPurpose;
  language: Language;
}

export function pinDelivery(deps: {
  channels: Channels;
  /** Counts a verification PIN sent or not sent; login PINs are counted at their route. */
  countVerificationPin?: ((outcome: 'sent' | 'pin-not-sent') => void) | undefined;
}) {
  return async function sendPin(delivery: PinDelivery): Promise<void> {
    const { tenant, endpoint } = delivery;
    const channel = CHANNEL_OF[endpoint.type];
    const input = {
      tenantName: tenant.name,
      code: delivery.code,
      purpose: delivery.purpose,
      language: delivery.language,
      ttlMinutes: tenant.settings.pinTtlMinutes,
    };
    const { subject, text } = channel === 'voice' ? pinSpeech(input) : pinText(input);
    const count = delivery.purpose === 'verify' ? deps.countVerificationPin : undefined;
    const failed = () => {
      count?.('pin-not-sent');
      return new AppError('pin-not-sent', 503);
    };
    // A provider that throws (down, misconfigured) is the same to the resident as one that answers "failed".
    const result = await deps.channels[channel]
      .send({
        id: newId(),
        tenantId: tenant.id,
        channel,
        to: endpoint.value,
        // An email comes from the tenant's name; an SMS or call from its sender (a number in E.164).
        from: channel === 'email' ? tenant.name : smsSenderOf(tenant),
        ...(channel === 'email' ? { subject } : {}),
        text,
        language: delivery.language,
      })
      .catch((error: unknown) => {
        throw Object.assign(failed(), { cause: error });
      });
    // The provider's reason stays out of the answer: it could name the number.
    if (result.status === 'failed') throw failed();
    count?.('sent');
  };
}

export type SendPin = ReturnType<typeof pinDelivery>;
