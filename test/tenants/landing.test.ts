/**
 * The landing page `/`: with one listed tenant it is that tenant's portal (a redirect); with more, the
 * page that lists them (`GET /api/tenants`: name, services, service area). A tenant may hide itself.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { buildTenant } from '../factories.js';

describeEachDatabase('landing page', (t) => {
  it('redirects to the only tenant, lists several by name, and leaves out a hidden one', async () => {
    const { app, context } = t();
    const first = await buildTenant(context, { name: 'Mäntän Vesi' });
    const only = await app.inject({ url: '/' });
    expect(only.statusCode).toBe(302);
    expect(only.headers.location).toBe(`/t/${first.slug}`);

    const second = await buildTenant(context, { name: 'Kaukolämpö Oy' });
    const listed = (await app.inject({ url: '/api/tenants' })).json().items as Array<Record<string, unknown>>;
    expect(listed.map((i) => i.name)).toEqual(['Kaukolämpö Oy', 'Mäntän Vesi']);
    expect(listed[0]).toMatchObject({ slug: second.slug, services: second.services, serviceArea: { type: 'Polygon' } });
    expect(Object.keys(listed[0]!).sort()).toEqual(['bbox', 'name', 'serviceArea', 'services', 'slug']);
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/assets/');

    await context.tenants.updateSettings(second, { listed: false });
    expect((await app.inject({ url: '/api/tenants' })).json().items.map((i: { name: string }) => i.name)).toEqual([
      'Mäntän Vesi',
    ]);
    expect((await app.inject({ url: '/' })).headers.location).toBe(`/t/${first.slug}`);
  });
});
