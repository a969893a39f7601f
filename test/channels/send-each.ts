/** Sends messages side by side through a provider's `send`, as dispatch does for one without a batch API. */
import type { ChannelProvider, OutboundMessage, SendResult } from '../../src/channels/channel.js';

export const sendEach = (provider: Pick<ChannelProvider, 'send'>, messages: OutboundMessage[]): Promise<SendResult[]> =>
  Promise.all(messages.map((m) => provider.send(m)));
