/**
 * The self-hosted basemap: a PMTiles archive the test builds (a few KB) set as AVISO_BASEMAP, served by
 * Aviso at /api/t/{tenant}/basemap.pmtiles with range requests, drawn by protomaps-leaflet under the
 * public map and under the drawing map (at 1280 and 360 px, on each database), where the addresses and
 * streets show over it and the drawing tools still work. No request leaves the origin.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, DESKTOP, openPage, PHONE, screenshot, type Viewport } from './browser.js';
import { CENTER } from './fixtures.js';
import { drawPolygon, logInOperator } from './operator-login.js';
import { writeTestPmtiles } from './pmtiles-fixture.js';
import { browserSuite, expectAccessible, expectNoProblems, type BrowserSuite } from './suite.js';
import { TEST_DATABASES, type TestDatabase } from '../databases.js';

mkdirSync(ARTIFACTS, { recursive: true });
const ARCHIVE = join(ARTIFACTS, 'test-town.pmtiles');
const size = writeTestPmtiles(ARCHIVE, CENTER);
const OPERATOR = { email: 'pohjakartta@mantanvesi.fi', password: 'pohjakartta-ja-alue-2025' };

function basemapSuite(database: TestDatabase): BrowserSuite {
  return browserSuite({
    database,
    config: { basemap: ARCHIVE },
    setUp: async ({ server, tenant }) => {
      await server.context.operators.createOperator(
        tenant,
        { email: OPERATOR.email, role: 'operator', password: OPERATOR.password },
        null,
      );
    },
  });
}

function publicMap(suite: BrowserSuite, viewport: Viewport) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    await page.goto(`/t/${suite.tenant.slug}/map`);
    await page.locator('.map[data-basemap="drawn"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('canvas.leaflet-tile').count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await screenshot(page, `basemap-public-${viewport.width}`);
    expectNoProblems(watched);
    await watched.context.close();
  };
}

/**
 * The drawing map over the basemap: the town's addresses and a street's name drawn on it, and a polygon
 * drawn with the tools catches houses, highlighted as many as the preview counts.
 */
function drawingMap(suite: BrowserSuite, viewport: Viewport) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    const map = page.locator('.area-editor .map');
    await logInOperator(page, suite.tenant.slug, OPERATOR);
    await page.getByRole('link', { name: 'Uusi häiriö' }).first().click();
    await page.locator('.area-editor .map[data-basemap="drawn"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('canvas.leaflet-tile').count()).toBeGreaterThan(0);
    // The whole town's 42 addresses over the basemap.
    await page.locator('.area-editor .map[data-address-points="42"]').waitFor({ timeout: 15_000 });
    await page.getByLabel('Etsi osoite kartalta').fill('Koulukatu 10');
    await page.getByLabel('Etsi osoite kartalta').press('Enter');
    await page.locator('.leaflet-tooltip.address-label', { hasText: /^10$/ }).first().waitFor();
    // A redraw's replaced label fades out for 200 ms: two may be there for that moment.
    await page.locator('.leaflet-tooltip.street-label', { hasText: 'Koulukatu' }).first().waitFor();
    await drawPolygon(page);
    const counted = page.locator('[data-figure="addresses"]');
    await counted.waitFor({ timeout: 15_000 });
    const insideDrawn = async () => Number(await map.getAttribute('data-address-inside'));
    await expect.poll(insideDrawn, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => String(await insideDrawn()) === (await counted.textContent())?.trim(), { timeout: 15_000 })
      .toBe(true);
    expect(await insideDrawn()).toBeLessThan(Number(await map.getAttribute('data-address-points')));
    expect(await map.getAttribute('data-shapes')).toBe('1');
    expect(await page.locator('canvas.leaflet-tile').count()).toBeGreaterThan(0);
    await screenshot(page, `basemap-drawing-${viewport.width}`);
    // No console error, and no request to another origin (expectNoProblems checks both).
    expectNoProblems(watched);
    await watched.context.close();
  };
}

function describeBasemap(database: TestDatabase) {
  const suite = basemapSuite(database);
  it(`is served with range requests (${size} bytes, ${database})`, async () => {
    const url = `${suite.server.url}/api/t/${suite.tenant.slug}/basemap.pmtiles`;
    expect(size).toBeLessThan(8192);
    const head = await fetch(url, { headers: { range: 'bytes=0-126' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-126/${size}`);
    const bytes = Buffer.from(await head.arrayBuffer());
    expect(bytes).toHaveLength(127);
    expect(bytes.subarray(0, 7).toString('latin1')).toBe('PMTiles');
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect((await whole.arrayBuffer()).byteLength).toBe(size);
    const beyond = await fetch(url, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-type')).toContain('application/problem+json');
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    const tenant = (await (await fetch(`${suite.server.url}/api/t/${suite.tenant.slug}`)).json()) as {
      branding: { basemapUrl: string };
    };
    expect(tenant.branding.basemapUrl).toBe(`/api/t/${suite.tenant.slug}/basemap.pmtiles`);
  });

  it(`is drawn under the public map (1280 px, ${database})`, publicMap(suite, DESKTOP), 60_000);
  it(`and at 360 px (${database})`, publicMap(suite, PHONE), 60_000);
  it(
    `is drawn under the drawing map with the addresses and streets, and the drawing tools still work (1280 px, ${database})`,
    drawingMap(suite, DESKTOP),
    90_000,
  );
  it(`and at 360 px (${database})`, drawingMap(suite, PHONE), 90_000);
}

for (const database of TEST_DATABASES) {
  describe(`a self-hosted PMTiles basemap [${database}]`, () => describeBasemap(database));
}
