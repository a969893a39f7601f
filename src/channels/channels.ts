/**
 * Builds the channel providers from configuration: one URL per channel (`inbox`, `smpp://…`, `smtp://…`).
 * Providers other than the inbox are added here as they are written; an unknown scheme fails at start.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { Clock } from '../lib/clock.js';
import type { ChannelName, ChannelProvider, Channels } from './channel.js';
import { smtpProvider } from './email/smtp.provider.js';
import { channelScheme, parseChannelUrl } from '../lib/channel-url.js';
import { failoverProvider } from './failover.provider.js';
import { inboxProvider } from './inbox.provider.js';
import { meteredProvider, type ChannelMeter } from './metered.provider.js';
import { elks46Provider } from './sms/elks46.provider.js';
import { gatewayApiProvider } from './sms/gatewayapi.provider.js';
import type { HttpSmsDeps } from './sms/http-sms.js';
import { smppProvider } from './sms/smpp.provider.js';
import { twilioProvider } from './sms/twilio.provider.js';
import { elks46VoiceProvider } from './voice/elks46-voice.provider.js';
import { webPushProvider } from './push/web-push.provider.js';
import { pushSubscriptionRepository } from './push/push-subscription.repository.js';
import { vapidKeyRepository, type VapidKeyRepository } from './push/vapid-keys.js';
import { asTenantId } from '../kernel/tenant-id.js';
import type { Agent } from 'node:https';
import { twilioVoiceProvider } from './voice/twilio-voice.provider.js';

export interface ProviderDeps {
  db: Db;
  clock: Clock;
  channel: ChannelName;
  config: Pick<Config, 'publicUrl' | 'secret' | 'dkim'>;
  /** The instance's VAPID keys (web push). */
  vapid: VapidKeyRepository;
  /** The HTTPS agent push services are reached with (tests: one that trusts their stand-in). */
  pushAgent?: Agent | undefined;
}
export type ProviderFactory = (url: URL, deps: ProviderDeps) => ChannelProvider;

const httpDeps = (deps: ProviderDeps): HttpSmsDeps => ({
  publicUrl: deps.config.publicUrl,
  secret: deps.config.secret,
  now: () => deps.clock.now(),
});
/** Only SMS: these schemes send text messages, not email or calls. */
const smsOnly =
  (scheme: string, build: ProviderFactory): ProviderFactory =>
  (url, deps) => {
    if (deps.channel !== 'sms') throw new Error(`${scheme}:// sends SMS; it cannot be the ${deps.channel} channel`);
    return build(url, deps);
  };

/** Provider factories by URL scheme. */
export const PROVIDER_FACTORIES: Record<string, ProviderFactory> = {
  smtp: (url, deps) => smtpProvider(url, { dkim: deps.config.dkim }),
  smtps: (url, deps) => smtpProvider(url, { dkim: deps.config.dkim }),
  smpp: smsOnly('smpp', (url, deps) => smppProvider(url, { clock: deps.clock })),
  // 46elks sends SMS, and calls landlines on the voice channel.
  '46elks': (url, deps) => {
    if (deps.channel === 'voice') return elks46VoiceProvider(url, httpDeps(deps));
    return smsOnly('46elks', (u, d) => elks46Provider(u, httpDeps(d)))(url, deps);
  },
  gatewayapi: smsOnly('gatewayapi', (url, deps) => gatewayApiProvider(url, httpDeps(deps))),
  // Twilio sends SMS, and calls landlines on the voice channel.
  twilio: (url, deps) => {
    if (deps.channel === 'voice') return twilioVoiceProvider(url, httpDeps(deps));
    return smsOnly('twilio', (u, d) => twilioProvider(u, httpDeps(d)))(url, deps);
  },
  webpush: (url, deps) => {
    if (deps.channel !== 'push')
      throw new Error(`webpush:// notifies browsers; it cannot be the ${deps.channel} channel`);
    const subscriptions = pushSubscriptionRepository(deps.db.kysely);
    return webPushProvider(url, {
      keys: () => deps.vapid.keys(),
      publicUrl: deps.config.publicUrl,
      forgetSubscription: (tenantId, subscription) => subscriptions.removeGone(asTenantId(tenantId), subscription),
      now: () => deps.clock.now(),
      agent: deps.pushAgent,
    });
  },
};

function buildProvider(spec: string, deps: ProviderDeps): ChannelProvider {
  if (spec === 'inbox') return inboxProvider(deps.db.kysely, deps.clock, deps.channel);
  const url = parseChannelUrl(spec);
  const factory = PROVIDER_FACTORIES[channelScheme(spec)];
  if (!factory) throw new Error(`no provider for ${channelScheme(spec)}:// (channel ${deps.channel})`);
  return factory(url, deps);
}

/** One provider, or several in failover order when the setting lists them comma-separated; each counted by `meter`. */
function buildChannel(setting: string, deps: ProviderDeps, meter?: ChannelMeter): ChannelProvider {
  const specs = setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const providers = specs.map((spec) => buildProvider(spec, deps));
  return failoverProvider(meter ? providers.map((p) => meteredProvider(p, meter, deps.clock)) : providers);
}

export interface ChannelOptions {
  meter?: ChannelMeter | undefined;
  /** The VAPID keys; by default read from (or made in) `db`. */
  vapid?: VapidKeyRepository | undefined;
  pushAgent?: Agent | undefined;
}

export function buildChannels(config: Config, db: Db, clock: Clock, options: ChannelOptions = {}): Channels {
  const { meter, pushAgent } = options;
  const vapid = options.vapid ?? vapidKeyRepository(db.kysely, clock);
  const deps = (channel: ChannelName): ProviderDeps => ({ db, clock, channel, config, vapid, pushAgent });
  return {
    sms: buildChannel(config.sms, deps('sms'), meter),
    email: buildChannel(config.email, deps('email'), meter),
    voice: buildChannel(config.voice, deps('voice'), meter),
    push: buildChannel(config.push, deps('push'), meter),
  };
}
