/**
 * The demo town as `npm start` makes it, on the drawing map with no tile server, at 1280 and 360 px on each
 * database: the operator sees all its address points and its street names, flies to a street near the middle,
 * draws a polygon around it and sees the houses it catches highlighted, as many as the preview counts.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/demo.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { TEST_DATABASES, type TestDatabase } from '../databases.js';
import { ARTIFACTS, DESKTOP, launchBrowser, openPage, PHONE, screenshot, type Viewport } from './browser.js';
import { drawPolygon, logInOperator } from './operator-login.js';
import { startWebServer, type WebServer } from './server.js';
import { expectAccessible, expectNoProblems, reportOpenPagesOnFailure } from './suite.js';

const OPERATOR = { email: 'demo-kartta@mantanvesi.fi', password: 'demo-kartta-salasana-2025' };

interface DemoWorld {
  server: WebServer;
  browser: Browser;
  tenant: Tenant;
  /** Addresses with a position: all drawn on the town's first view. */
  addresses: number;
  /** A house near the town's middle, whose street the polygon is drawn around. */
  street: string;
  number: string;
}

function demoWorld(database: TestDatabase): DemoWorld {
  const world = {} as DemoWorld;
  beforeAll(async () => {
    [world.server, world.browser] = await Promise.all([startWebServer({}, {}, database), launchBrowser()]);
    const { context } = world.server;
    world.tenant = (await createDemo(context)).tenant;
    await context.operators.createOperator(
      world.tenant,
      { email: OPERATOR.email, role: 'operator', password: OPERATOR.password },
      null,
    );
    const all = await context.db.kysely
      .selectFrom('addresses')
      .select(['street', 'number', 'number_int', 'lat', 'lon'])
      .where('tenant_id', '=', world.tenant.id)
      .execute();
    world.addresses = all.length;
    const [w, s, e, n] = world.tenant.bbox;
    const distance = (a: { lat: number; lon: number }) => Math.hypot((a.lon - (w + e) / 2) / 2, a.lat - (s + n) / 2);
    const middle = all.filter((a) => a.number === String(a.number_int)).sort((a, b) => distance(a) - distance(b))[0]!;
    world.street = middle.street;
    world.number = middle.number;
  }, 120_000);
  reportOpenPagesOnFailure(() => world.browser);
  afterAll(async () => {
    await world.browser?.close();
    await world.server?.close();
  });
  return world;
}

function drawAroundStreet(world: DemoWorld, viewport: Viewport, database: TestDatabase) {
  return async () => {
    const watched = await openPage(world.browser, world.server.url, viewport);
    const { page } = watched;
    page.setDefaultTimeout(15_000);
    const map = page.locator('.area-editor .map');
    await logInOperator(page, world.tenant.slug, OPERATOR);
    await page.getByRole('link', { name: 'Uusi häiriö' }).first().click();
    await page.getByLabel('Otsikko').fill('Vesikatko demokaupungissa');

    // The whole town's addresses, in clusters, with no tile server.
    await page.locator(`.area-editor .map[data-address-points="${world.addresses}"]`).waitFor();
    expect(await page.locator('.address-cluster').count()).toBeGreaterThan(0);
    expect(await page.locator('.leaflet-tile').count()).toBe(0);

    // Flown to a house near the middle: its street's name and the houses' numbers on the map.
    const house = `${world.street} ${world.number}`;
    await page.getByLabel('Etsi osoite kartalta').fill(house);
    await page.getByLabel('Etsi osoite kartalta').press('Enter');
    await page.getByRole('status').getByText(house, { exact: false }).waitFor();
    await page.locator('.leaflet-tooltip.street-label', { hasText: world.street }).first().waitFor();
    await page.locator('.leaflet-tooltip.address-label', { hasText: world.number }).first().waitFor();

    // One step out (the numbers go), a polygon around the street there: the houses it catches turn red, as many
    // as the preview counts.
    await map.locator('.leaflet-control-zoom-out').click();
    await expect.poll(() => page.locator('.leaflet-tooltip.address-label').count()).toBe(0);
    await drawPolygon(page);
    const counted = page.locator('[data-figure="addresses"]');
    await counted.waitFor();
    const insideDrawn = async () => Number(await map.getAttribute('data-address-inside'));
    await expect.poll(insideDrawn).toBeGreaterThan(0);
    await expect.poll(async () => String(await insideDrawn()) === (await counted.textContent())?.trim()).toBe(true);
    expect(await insideDrawn()).toBeLessThan(Number(await map.getAttribute('data-address-points')));
    await expectAccessible(page);
    await screenshot(page, `demo-drawn-${viewport.width}-${database}`);
    // The map part alone, for the README.
    await page.locator('.area-editor').screenshot({ path: join(ARTIFACTS, `demo-map-${viewport.width}.png`) });
    expectNoProblems(watched);
    await watched.context.close();
  };
}

for (const database of TEST_DATABASES) {
  describe(`the demo town on the drawing map [${database}]`, () => {
    const world = demoWorld(database);
    it(
      `shows its addresses and streets and highlights what a polygon around a street catches (1280 px, ${database})`,
      drawAroundStreet(world, DESKTOP, database),
      90_000,
    );
    it(`the same at 360 px (${database})`, drawAroundStreet(world, PHONE, database), 90_000);
  });
}
