/**
 * Builds the channel providers from configuration: one URL per channel (`inbox`, `smpp://…`, `smtp://…`).
 * Providers other than the inbox are added here as they are written; an unknown scheme fails at start.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { Clock } from '../lib/clock.js';
import type { ChannelName, ChannelProvider, Channels } from './channel.js';
import { smtpProvider } from './email/smtp.provider.js';
import { failoverProvider } from './failover.provider.js';
import { inboxProvider } from './inbox.provider.js';
import { meteredProvider, type ChannelMeter } from './metered.provider.js';
import { smppProvider } from './sms/smpp.provider.js';

export type ProviderFactory = (url: URL, deps: { db: Db; clock: Clock; channel: ChannelName }) => ChannelProvider;

/** Provider factories by URL scheme. */
export const PROVIDER_FACTORIES: Record<string, ProviderFactory> = {
  smtp: (url) => smtpProvider(url),
  smtps: (url) => smtpProvider(url),
  smpp: (url, deps) => smppProvider(url, { clock: deps.clock }),
};

function buildProvider(spec: string, channel: ChannelName, db: Db, clock: Clock): ChannelProvider {
  if (spec === 'inbox') return inboxProvider(db.kysely, clock, channel);
  const url = new URL(spec);
  const factory = PROVIDER_FACTORIES[url.protocol.replace(/:$/, '')];
  if (!factory) throw new Error(`no provider for ${url.protocol} (channel ${channel})`);
  return factory(url, { db, clock, channel });
}

/** One provider, or several in failover order when the setting lists them comma-separated; each counted by `meter`. */
function buildChannel(setting: string, channel: ChannelName, db: Db, clock: Clock, meter?: ChannelMeter): ChannelProvider {
  const specs = setting.split(',').map((s) => s.trim()).filter(Boolean);
  const providers = specs.map((spec) => buildProvider(spec, channel, db, clock));
  return failoverProvider(meter ? providers.map((p) => meteredProvider(p, meter, clock)) : providers);
}

export function buildChannels(config: Config, db: Db, clock: Clock, meter?: ChannelMeter): Channels {
  return {
    sms: buildChannel(config.sms, 'sms', db, clock, meter),
    email: buildChannel(config.email, 'email', db, clock, meter),
    voice: buildChannel(config.voice, 'voice', db, clock, meter),
    push: buildChannel('inbox', 'push', db, clock, meter),
  };
}
