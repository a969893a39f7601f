import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';
import { buildTenant, square } from '../factories.js';

describeEachDatabase('HTTP foundation', (t) => {
  it('answers /healthz with the database in use', async () => {
    const response = await t().app.inject({ url: '/healthz' });
    expect(response.json()).toEqual({ status: 'ok', database: t().kind });
  });

  it('publishes OpenAPI 3.1 and its docs', async () => {
    const spec = (await t().app.inject({ url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/api/t/{tenant}/addresses');
    expect((await t().app.inject({ url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('sends strict security headers and a request id on every answer', async () => {
    const response = await t().app.inject({ url: '/healthz' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers unknown routes and tenants with problem+json', async () => {
    const missing = await t().app.inject({ url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ status: 404, title: 'Not found' });
    const tenant = await t().app.inject({ url: '/api/t/atlantis' });
    expect(tenant.json()).toMatchObject({ status: 404, code: 'not-found', detail: 'tenant atlantis not found' });
  });

  it("shows a tenant's public profile", async () => {
    const tenant = await buildTenant(t().context, { name: 'Mäntän Vesi', languages: ['fi', 'sv', 'en'] });
    const profile = (await t().app.inject({ url: `/api/t/${tenant.slug}` })).json();
    expect(profile).toMatchObject({ name: 'Mäntän Vesi', languages: ['fi', 'sv', 'en'], smsSender: 'MantanVesi' });
    expect(profile.bbox).toHaveLength(4);
  });
});

describeEachDatabase('tenant rules', (t) => {
  const bowtie = {
    type: 'Polygon',
    coordinates: [
      [
        [24, 62],
        [25, 63],
        [25, 62],
        [24, 63],
        [24, 62],
      ],
    ],
  };
  const open = {
    type: 'Polygon',
    coordinates: [
      [
        [24, 62],
        [25, 62],
        [25, 63],
        [24, 63],
      ],
    ],
  };
  const outOfRange = {
    type: 'Polygon',
    coordinates: [
      [
        [24, 62],
        [250, 62],
        [25, 63],
        [24, 62],
      ],
    ],
  };

  it.each([
    ['a self-intersecting ring', bowtie, /intersects itself/],
    ['an unclosed ring', open, /closed|ring/i],
    ['coordinates out of WGS84 ranges', outOfRange, /WGS84|position|range/i],
    ['a point', { type: 'Point', coordinates: [24, 62] }, /Polygon or MultiPolygon/],
  ])('refuses %s as a service area', async (_name, serviceArea, message) => {
    await expect(buildTenant(t().context, { serviceArea })).rejects.toThrow(message);
  });

  it('refuses a long SMS sender, a bad slug, a taken slug', async () => {
    await expect(buildTenant(t().context, { smsSender: 'MantanVesiJaLampo' })).rejects.toThrow(/smsSender/);
    await expect(buildTenant(t().context, { slug: 'Bad Slug!' })).rejects.toThrow(/slug/);
    await buildTenant(t().context, { slug: 'taken' });
    await expect(buildTenant(t().context, { slug: 'taken' })).rejects.toThrow(/exists already/);
  });

  it('finds every tenant whose service area holds a point (register once)', async () => {
    const a = await buildTenant(t().context, { serviceArea: square(21.0, 65.0, 0.5) });
    const b = await buildTenant(t().context, { serviceArea: square(21.4, 65.0, 0.5) });
    await buildTenant(t().context, { serviceArea: square(23.0, 65.0, 0.2) });
    const covering = await t().context.tenants.tenantsCovering(21.2, 65.0);
    expect(covering.map((x) => x.slug).sort()).toEqual([a.slug, b.slug].sort());
  });
});
