/**
 * An incident's title on the public map is text, whatever the operator typed: never markup in the page; nor is
 * the tenant's credit for its map tiles (`tileAttribution`), shown as typed on the map drawing them.
 */
import { expect, it } from 'vitest';
import { CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { openPage } from './browser.js';
import { browserSuite } from './suite.js';

const TITLE = '<b id="injected">Lihava</b> katko';

const suite = browserSuite({
  setUp: async ({ server, tenant }) => {
    const headers = await tokenHeaders(server.context, tenant);
    const created = await server.app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/incidents`,
      headers,
      payload: {
        service: 'water',
        kind: 'sudden',
        title: TITLE,
        area: square(CENTER.lon, CENTER.lat, 0.01),
        published: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
  },
});

it("shows the title in the map's tooltip as text", async () => {
  const watched = await openPage(suite.browser, suite.server.url);
  const { page } = watched;
  await page.goto(`/t/${suite.tenant.slug}/map`);
  await page.waitForSelector('.leaflet-overlay-pane path.leaflet-interactive');
  // The incident's shape is the last drawn; hovering it opens its tooltip.
  await page.locator('.leaflet-overlay-pane path.leaflet-interactive').last().hover({ force: true });
  await page.waitForSelector('.leaflet-tooltip');
  expect(await page.locator('.leaflet-tooltip').textContent()).toBe(TITLE);
  expect(await page.locator('#injected').count()).toBe(0);
  await watched.context.close();
});

it("shows the tenant's credit for its tiles as text on the map drawing them", async () => {
  const credit = '<img id="credited" src="x"> © Kartta Oy & MML';
  await suite.server.context.tenants.updateSettings(suite.tenant, {
    // A path on this server: no request leaves it (the tiles themselves are not there, which does not matter here).
    tileUrl: '/no-tiles/{z}/{x}/{y}.png',
    tileAttribution: credit,
  });
  const watched = await openPage(suite.browser, suite.server.url);
  const { page } = watched;
  await page.goto(`/t/${suite.tenant.slug}/map`);
  const attribution = page.locator('.leaflet-control-attribution');
  await attribution.getByText(credit).waitFor();
  expect(await page.locator('#credited').count()).toBe(0);
  await watched.context.close();
});
