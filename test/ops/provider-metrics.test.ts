/**
 * The provider counters against a real SMPP server on loopback (the SMSC simulator): what was accepted,
 * the receipts with their latency, and a refused bind by its SMPP status — counted per provider, through
 * failover, as dispatch would see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../../src/channels/channel.js';
import { failoverProvider } from '../../src/channels/failover.provider.js';
import { meteredProvider } from '../../src/channels/metered.provider.js';
import { smppProvider } from '../../src/channels/sms/smpp.provider.js';
import { startSmsc, type Smsc } from '../../src/channels/sms/smsc-simulator.js';
import { systemClock } from '../../src/lib/clock.js';
import { createMetrics } from '../../src/modules/ops/metrics.js';
import { parsePrometheus, valueOf } from './prometheus-text.js';
import { sendEach } from '../channels/send-each.js';

describe('provider metrics against the SMSC simulator', () => {
  let smsc: Smsc;
  beforeAll(async () => {
    smsc = await startSmsc(0, { systemId: 'aviso', password: 'pw', tps: 1000 });
  });
  afterAll(() => smsc.close());

  it('counts sends, receipts and their latency, and failures by code, per provider through failover', async () => {
    const metrics = createMetrics();
    const refusing = smppProvider(new URL(`smpp://refused:pw@127.0.0.1:${smsc.port}`), { clock: systemClock });
    const working = smppProvider(new URL(`smpp://aviso:pw@127.0.0.1:${smsc.port}?source=Aviso&tps=100`), {
      clock: systemClock,
    });
    const channel = failoverProvider([refusing, working].map((p) => meteredProvider(p, metrics.meter, systemClock)));
    const receipts: DeliveryReceipt[] = [];
    channel.onReceipt!((r) => receipts.push(r));
    const results = await sendEach(channel, [
      { id: 'a', tenantId: 't', channel: 'sms', to: '+358401234567', text: 'Vesikatko huomenna' },
      { id: 'b', tenantId: 't', channel: 'sms', to: '+358401230000', text: 'ei perille' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent']);
    await expect.poll(() => receipts.length, { timeout: 10_000 }).toBe(2);

    const samples = parsePrometheus(await metrics.registry.metrics());
    const sms = { channel: 'sms', provider: `smpp://aviso@127.0.0.1:${smsc.port}` };
    const refused = { channel: 'sms', provider: `smpp://refused@127.0.0.1:${smsc.port}` };
    // The refusing bind failed both once (failover moves a retryable failure on down the list); the working one took both.
    expect(valueOf(samples, 'aviso_messages_total', { ...refused, outcome: 'failed' })).toBe(2);
    expect(valueOf(samples, 'aviso_messages_total', { ...sms, outcome: 'sent' })).toBe(2);
    const errors = samples.filter((s) => s.name === 'aviso_provider_errors_total');
    expect(errors.map((s) => [s.labels.provider, s.labels.code, s.labels.retryable, s.value])).toEqual([
      [refused.provider, 'ESME_RBINDFAIL', 'true', 2],
    ]);
    expect(valueOf(samples, 'aviso_receipts_total', { ...sms, status: 'delivered' })).toBe(1);
    expect(valueOf(samples, 'aviso_receipts_total', { ...sms, status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'aviso_receipt_latency_seconds_count', sms)).toBe(2);
    await channel.close!();
  });
});
