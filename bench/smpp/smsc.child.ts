/**
 * The SMSC of the SMPP benchmark in a process of its own (`aviso smsc`'s simulator), so that its work
 * does not share the event loop of the client being measured. Reports its port, then the count of
 * messages it took whenever asked.
 */
import { childInput, sendToParent } from '../lib/child.js';
import { startSmsc } from '../../src/channels/sms/smsc-simulator.js';

export interface SmscInput {
  receiptDelayMs: number;
}
export interface SmscReady {
  type: 'ready';
  port: number;
}
export interface SmscCount {
  type: 'count';
  messages: number;
}

const input = childInput<SmscInput>();
const smsc = await startSmsc(0, { receiptDelayMs: input.receiptDelayMs });
process.on('message', (message: { type: string }) => {
  if (message.type === 'count') void sendToParent({ type: 'count', messages: smsc.messages.length } as SmscCount);
});
process.on('SIGTERM', () => void smsc.close().then(() => process.exit(0)));
await sendToParent({ type: 'ready', port: smsc.port } as SmscReady);
