/**
 * A message whose batches are all done ends "sent" even when no worker marked it (two workers finishing
 * its last batches at once, or one dying between its last batch and the message): the sweep closes it.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { addPerson, buildTown, CENTER, square } from './fixtures.js';

describeEachDatabase('settled messages', (t) => {
  it('marks sent a message left "sending" with every batch done', async () => {
    const { context } = t();
    const tenant = await buildTown(context);
    await addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: '+358401000001' }], addresses: ['kk-1'] });
    const actor = { type: 'token' as const, id: 'test' };
    const incident = await context.dispatch.incidents.createIncident(
      tenant,
      {
        service: 'water',
        kind: 'sudden',
        title: 'Putkirikko',
        area: square(CENTER.lon - 0.002, CENTER.lat + 0.0013, 0.0012),
      },
      actor,
    );
    const message = await context.dispatch.messages.createMessage(
      tenant,
      incident.id,
      { texts: { fi: 'Vesikatko {address}' } },
      actor,
    );
    await context.dispatch.runtime.drain();
    expect((await context.dispatch.messages.getMessage(tenant, message.id)).status).toBe('sent');

    await context.db.kysely
      .updateTable('messages')
      .set({ status: 'sending', finished_at: null })
      .where('id', '=', message.id)
      .execute();
    await context.dispatch.runtime.drain();
    expect(await context.dispatch.messages.getMessage(tenant, message.id)).toMatchObject({
      status: 'sent',
      delivered: 1,
    });
  });
});
