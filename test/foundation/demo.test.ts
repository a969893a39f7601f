import { expect, it } from 'vitest';
import { createDemo } from '../../src/demo/demo.js';
import { describeEachDatabase } from '../app.js';

describeEachDatabase('demo tenant', (t) => {
  it('creates a Mänttä-like town on real postal codes once, searchable in both languages', async () => {
    const first = await createDemo(t().context, 400);
    expect(first.created).toBe(true);
    expect(first.report).toMatchObject({ added: 400, rejected: 0 });
    // A water network whose every house is connected, traceable at once.
    expect(first.network).toMatchObject({
      stored: true,
      summary: { topology: { components: 1 }, connections: { unconnected: 0, inferred: 400 } },
    });
    const traced = await t().context.networks.traceView(first.tenant, 'water', {
      at: [24.6226, 62.0296],
      failedValves: [],
    });
    expect(traced.valvesToClose.length).toBeGreaterThan(0);
    expect((await createDemo(t().context, 400)).created).toBe(false);
    const items = (await t().app.inject({ url: '/api/t/mantta/addresses?q=35800' })).json().items as Array<{
      postalTown: string;
      streetSv: string;
    }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items[0]).toMatchObject({ postalTown: 'Mänttä' });
    expect(items[0]!.streetSv).toBeTruthy();
  });
});
