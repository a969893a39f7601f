/**
 * Maps people can see, in chromium at 1280 and 360 px, with no tile server: the drawing map shows the
 * town's address points (clustered, then labelled with their numbers at street level) and its streets
 * with their names, search-and-fly centres it on an address, a polygon drawn around houses highlights the
 * ones it catches (as many as the preview counts); a street-range incident shows its shape and houses
 * in the console and appears on the public map,
 * where "is my address affected?" names it, and the portal links to that map. No request leaves the origin.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, openPage, PHONE, screenshot, type Viewport } from './browser.js';
import { drawPolygon, logInOperator } from './operator-login.js';
import { browserSuite, expectAccessible, expectNoProblems, type BrowserSuite } from './suite.js';
import { TEST_DATABASES, type TestDatabase } from '../databases.js';

const OPERATOR = { email: 'kartta@mantanvesi.fi', password: 'kartta-ja-katuosoite-2025' };
// The street incident's times, to the minute: "is my address affected?" shows them in the page's language.
const STARTS = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const ENDS = STARTS + 2 * 86_400_000;
const finnishTime = (ms: number) =>
  new Intl.DateTimeFormat('fi', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Helsinki' }).format(ms);

interface MapsSuite extends BrowserSuite {
  streetIncidentId: string;
}

function mapsSuite(database: TestDatabase): MapsSuite {
  const suite = browserSuite({
    database,
    setUp: async ({ server, tenant }) => {
      await server.context.operators.createOperator(
        tenant,
        { email: OPERATOR.email, role: 'operator', password: OPERATOR.password },
        null,
      );
      const { token } = await server.context.operators.createToken(
        tenant,
        { name: 'maps test', role: 'operator' },
        null,
      );
      const response = await fetch(`${server.url}/api/t/${tenant.slug}/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          service: 'water',
          kind: 'planned',
          title: 'Puistokadun vesikatko',
          streets: [{ street: 'Puistokatu', from: 4, to: 12 }],
          startsAt: new Date(STARTS).toISOString(),
          endsAt: new Date(ENDS).toISOString(),
          published: true,
        }),
      });
      if (response.status !== 201) throw new Error(`incident: ${response.status} ${await response.text()}`);
      (suite as MapsSuite).streetIncidentId = ((await response.json()) as { id: string }).id;
    },
  });
  return suite as MapsSuite;
}

const mapOf = (page: Page) => page.locator('.area-editor .map');

function drawingMap(suite: MapsSuite, viewport: Viewport) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    await logInOperator(page, suite.tenant.slug, OPERATOR);
    await page.getByRole('link', { name: 'Uusi häiriö' }).first().click();
    await page.getByLabel('Otsikko').fill('Koulukadun vesikatko');

    // The whole town's 42 addresses, in clusters.
    await page.locator('.area-editor .map[data-address-points="42"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.address-cluster').count()).toBeGreaterThan(0);
    expect(await page.locator('.leaflet-tile').count()).toBe(0);
    await screenshot(page, `map-town-${viewport.width}`);

    // Search and fly: the map centres on Koulukatu 5, its neighbours labelled with their numbers.
    await page.getByLabel('Etsi osoite kartalta').fill('Koulukatu 5');
    await page.getByLabel('Etsi osoite kartalta').press('Enter');
    await page.getByRole('status').getByText('Koulukatu 5, 35800 Mänttä').waitFor();
    // Puistokatu 5, across the block, may be in view and labelled too.
    await page.locator('.leaflet-tooltip.address-label', { hasText: /^5$/ }).first().waitFor();
    expect(await page.locator('.leaflet-tooltip.address-label').count()).toBeGreaterThan(1);
    // The street, drawn from the addresses, with its name. Each redraw after the search's move replaces the
    // labels, and Leaflet fades a replaced one out for 200 ms: two may be there for that moment.
    await page.locator('.leaflet-tooltip.street-label', { hasText: 'Koulukatu' }).first().waitFor();
    // Zoomed in, a number's "street number" is its title; one step out the numbers go, and hovering a house
    // shows it: Koulukatu 4, 22 m south of the centred Koulukatu 5 (about 40 px at zoom 17, clear of the
    // search's pin over 5). Searched down a short column, again until the canvas, redrawn after the zoom, answers.
    await page.locator('.leaflet-tooltip.address-label span[title="Koulukatu 5"]', { hasText: /^5$/ }).waitFor();
    await mapOf(page).locator('.leaflet-control-zoom-out').click();
    await expect.poll(() => page.locator('.leaflet-tooltip.address-label').count(), { timeout: 15_000 }).toBe(0);
    const box = (await mapOf(page).boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    const hovered = page.locator('.leaflet-tooltip', { hasText: /^Koulukatu 4$/ });
    await expect
      .poll(
        async () => {
          for (let dy = 30; dy <= 50 && (await hovered.count()) === 0; dy += 2) await page.mouse.move(cx, cy + dy);
          return hovered.count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await page.mouse.move(box.x + 4, box.y + box.height - 4);
    await mapOf(page).locator('.leaflet-control-zoom-in').click();
    await page.locator('.leaflet-tooltip.address-label', { hasText: /^5$/ }).first().waitFor();

    // A polygon around the middle: the houses it catches turn red, as many as the preview counts.
    await drawPolygon(page);
    const counted = page.locator('[data-figure="addresses"]');
    await counted.waitFor({ timeout: 15_000 });
    // Polled from here: a predicate string evaluated in the page would need the 'unsafe-eval' its CSP refuses.
    const insideDrawn = async () => Number(await mapOf(page).getAttribute('data-address-inside'));
    await expect.poll(insideDrawn, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => String(await insideDrawn()) === (await counted.textContent())?.trim(), { timeout: 15_000 })
      .toBe(true);
    const inside = Number(await mapOf(page).getAttribute('data-address-inside'));
    const points = Number(await mapOf(page).getAttribute('data-address-points'));
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(points);
    await expectAccessible(page);
    await screenshot(page, `map-drawn-${viewport.width}`);

    // An incident given by street: its shape drawn, its nine houses (Puistokatu 4–12) highlighted.
    await page.goto(`/admin/incidents/${suite.streetIncidentId}`);
    await page
      .locator('.area-editor .map[data-street-shape="drawn"][data-address-inside="9"]')
      .waitFor({ timeout: 15_000 });
    expectNoProblems(watched);
    await watched.context.close();
  };
}

function publicMap(suite: MapsSuite, viewport: Viewport) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    await page.goto(`/t/${suite.tenant.slug}/map`);
    await page.getByRole('button', { name: 'Puistokadun vesikatko' }).waitFor();
    // The service area and the street stretch's shape.
    await page.waitForSelector('.leaflet-overlay-pane path >> nth=1');
    await expectAccessible(page);
    await screenshot(page, `map-public-street-${viewport.width}`);
    // "Is my address affected?" names the incident and its status.
    await page.getByLabel('Postinumero').fill('35800');
    await page.getByLabel('Katuosoite').fill('Puistokatu');
    await page.getByLabel('Talon numero').fill('6');
    await page.getByLabel('Puistokatu 6, 35800 Mänttä').check();
    await page.getByRole('button', { name: 'Tarkista' }).click();
    const answer = page.locator('.address-check__incidents li');
    await answer.waitFor();
    const answered = (await answer.textContent())!.replace(/\s+/g, ' ');
    expect(answered).toMatch(/^Puistokadun vesikatko ?Käynnissä/);
    expect(answered).toContain(`Alkaa ${finnishTime(STARTS)}`);
    expect(answered).toContain(`Arvioitu päättyminen ${finnishTime(ENDS)}`);
    await expectAccessible(page);
    // The portal links to this map.
    await page.goto(`/t/${suite.tenant.slug}`);
    await page.getByRole('link', { name: 'Käynnissä olevat ja tulevat häiriöt kartalla' }).click();
    await page.getByRole('button', { name: 'Puistokadun vesikatko' }).waitFor();
    // The portal asks "am I logged in?" first and is answered 401.
    expectNoProblems(watched, { allowNotLoggedIn: true });
    await watched.context.close();
  };
}

for (const database of TEST_DATABASES) {
  describe(`maps people can see [${database}]`, () => {
    const suite = mapsSuite(database);
    it(
      `the drawing map shows the addresses, flies to one and highlights what a polygon catches (1280 px, ${database})`,
      drawingMap(suite, DESKTOP),
      90_000,
    );
    it(`the same at 360 px (${database})`, drawingMap(suite, PHONE), 90_000);
    it(`a street-range incident appears on the public map (1280 px, ${database})`, publicMap(suite, DESKTOP), 60_000);
    it(`and at 360 px (${database})`, publicMap(suite, PHONE), 60_000);
  });
}
