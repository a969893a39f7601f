/** The dev inbox's messages (`GET /api/dev/inbox`), grouped into one device per recipient. */
import type * as api from '../../../src/contracts';

export type InboxMessage = api.InboxMessage;
export type InboxChannel = InboxMessage['channel'];

export type DeviceKind = 'phone' | 'mailbox' | 'other';

export interface Device {
  kind: DeviceKind;
  to: string;
  /** Newest first. */
  messages: InboxMessage[];
  lastTime: string;
}

function deviceKind(channel: InboxChannel): DeviceKind {
  if (channel === 'sms' || channel === 'voice') return 'phone';
  return channel === 'email' ? 'mailbox' : 'other';
}

/** Phones (SMS and calls to one number), mailboxes and other endpoints, the most recently reached first. */
export function groupByDevice(messages: readonly InboxMessage[]): Device[] {
  const devices = new Map<string, Device>();
  for (const message of messages) {
    const kind = deviceKind(message.channel);
    const key = `${kind}:${message.to}`;
    const device = devices.get(key) ?? { kind, to: message.to, messages: [], lastTime: message.time };
    device.messages.unshift(message);
    if (message.time > device.lastTime) device.lastTime = message.time;
    devices.set(key, device);
  }
  return [...devices.values()].sort((a, b) => b.lastTime.localeCompare(a.lastTime));
}
