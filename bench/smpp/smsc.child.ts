/**
 * The SMSC of the SMPP benchmark in a process of its own (`aviso smsc`'s simulator), so that its work
 * does not share the event loop of the client being measured. Reports its port, then the count of
 * messages it took (and how many numbers got more than one), or only how many, whenever asked.
 */
import { appendFileSync } from 'node:fs';
import { childInput, sendToParent } from '../lib/child.js';
import { startSmsc } from '../../src/channels/sms/smsc-simulator.js';

export interface SmscInput {
  receiptDelayMs: number;
  /** Listen here (a restarted SMSC takes its predecessor's port); any free port if unset. */
  port?: number;
  /** Append each number it takes a message for to this file as it takes it, so a count outlives a kill -9. */
  logFile?: string;
}
export interface SmscReady {
  type: 'ready';
  port: number;
}
/** How many messages it has taken so far (cheap enough to ask every few milliseconds). */
export interface SmscProgress {
  type: 'progress';
  messages: number;
}
export interface SmscCount {
  type: 'count';
  messages: number;
  /** Numbers that were sent more than one message. */
  doubled: number;
  /** Every number it took a message for. */
  numbers: string[];
}

function countOf(messages: ReadonlyArray<{ to: string }>): SmscCount {
  const seen = new Map<string, number>();
  for (const m of messages) seen.set(m.to, (seen.get(m.to) ?? 0) + 1);
  return {
    type: 'count',
    messages: messages.length,
    doubled: [...seen.values()].filter((n) => n > 1).length,
    numbers: [...seen.keys()],
  };
}

const input = childInput<SmscInput>();
const logFile = input.logFile;
const smsc = await startSmsc(input.port ?? 0, {
  receiptDelayMs: input.receiptDelayMs,
  ...(logFile ? { onMessage: (sms: { to: string }) => appendFileSync(logFile, `${sms.to}\n`) } : {}),
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'count') void sendToParent(countOf(smsc.messages));
  if (message.type === 'progress')
    void sendToParent({ type: 'progress', messages: smsc.messages.length } as SmscProgress);
});
process.on('SIGTERM', () => void smsc.close().then(() => process.exit(0)));
await sendToParent({ type: 'ready', port: smsc.port } as SmscReady);
