/**
 * A tenant's pages load images only from this server and from the tenant's own tile and logo origins
 * (a tile template's `{s}` subdomain as a wildcard), not from any https address; the console, whose tenant
 * is known only after login, from those of every tenant — and from no other https address either.
 */
import { expect, it } from 'vitest';
import { imageSource, MAX_CONSOLE_IMAGE_SOURCES } from '../../src/http/web.routes.js';
import { describeEachDatabase } from '../app.js';
import { buildTenant } from '../factories.js';

const ACTOR = { type: 'token', id: 'page-images-test' } as const;
const imgSrc = (csp: string | undefined) => /img-src ([^;]*)/.exec(csp ?? '')?.[1];

it('reads the origin of a tile template or a logo address', () => {
  expect(imageSource('https://{s}.tile.example.org/{z}/{x}/{y}.png')).toBe('https://*.tile.example.org');
  expect(imageSource('https://tiles.example.fi:8443/{z}/{x}/{y}.png')).toBe('https://tiles.example.fi:8443');
  expect(imageSource('/tiles/{z}/{x}/{y}.png')).toBeNull();
  expect(imageSource("https://evil.example'; script-src *")).toBeNull();
  expect(imageSource(null)).toBeNull();
});

describeEachDatabase('page image sources', (t) => {
  it("allows the tenant's tile and logo origins on its pages, and no other https image", async () => {
    const plain = await buildTenant(t().context);
    const page = await t().app.inject({ url: `/t/${plain.slug}/map` });
    expect(imgSrc(page.headers['content-security-policy'] as string)).toBe("'self' data: blob:");

    const tiled = await t().context.tenants.updateSettings(await buildTenant(t().context), {
      tileUrl: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      logoUrl: 'https://www.example.fi/logo.svg',
    });
    for (const path of [`/t/${tiled.slug}`, `/t/${tiled.slug}/map`, `/t/${tiled.slug}/embed`]) {
      const answer = await t().app.inject({ url: path });
      expect(imgSrc(answer.headers['content-security-policy'] as string), path).toBe(
        "'self' data: blob: https://*.tile.example.org https://www.example.fi",
      );
    }
  });

  it("allows every tenant's tile and logo origins in the console, each change at once, and no other https image", async () => {
    const consoleImages = async (path = '/admin') =>
      imgSrc((await t().app.inject({ url: path })).headers['content-security-policy'] as string)!.split(' ');
    const before = await consoleImages();
    expect(before.slice(0, 3)).toEqual(["'self'", 'data:', 'blob:']);
    expect(before).not.toContain('https:');

    const tenant = await buildTenant(t().context);
    // Through the settings service (as an admin changes them): the console's next answer has the new origin.
    await t().context.tenantSettings.update(
      tenant,
      { tileUrl: 'https://kartta.example-tiles.fi/{z}/{x}/{y}.png' },
      ACTOR,
    );
    for (const path of ['/admin', '/admin/incidents/new']) {
      const sources = await consoleImages(path);
      expect(sources, path).toContain('https://kartta.example-tiles.fi');
      expect(sources, path).not.toContain('https:');
      expect(sources.filter((s) => s.includes('unrelated.example.com'))).toEqual([]);
    }
    const changed = await t().context.tenants.resolveTenant(tenant.slug);
    await t().context.tenantSettings.update(changed, { tileUrl: null }, ACTOR);
    expect(await consoleImages()).not.toContain('https://kartta.example-tiles.fi');
    expect(MAX_CONSOLE_IMAGE_SOURCES).toBeGreaterThanOrEqual(20);
  });
});
