/**
 * The console's pipe network mode in a real browser: an operator opens a new incident, turns the mode on,
 * clicks the broken pipe on the map, sees the valve to close and the households on the isolated pipe
 * counted, marks the valve as failed (the trace widens), and sends: the notice reaches exactly the
 * traced households.
 */
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { addPerson } from '../dispatch/fixtures.js';
import { openPage } from './browser.js';
import { CENTER } from './fixtures.js';
import { browserSuite, expectAccessible, expectNoProblems, submitConsoleLogin } from './suite.js';

const OPERATOR = { email: 'verkosto@mantanvesi.fi', password: 'verkosto-salasana-2025' };
const lonK = CENTER.lon - 0.0021; // 5 m west of Koulukatu's houses
const lonP = CENTER.lon + 0.0021; // 5 m east of Puistokatu's
const [bottom, middle, top] = [CENTER.lat + 0.0001, CENTER.lat + 0.00215, CENTER.lat + 0.0042];

const pipe = (id: string, coordinates: number[][]) => ({
  type: 'Feature',
  properties: { id, diameter: 150 },
  geometry: { type: 'LineString', coordinates },
});
const valve = (id: string, coordinates: number[]) => ({
  type: 'Feature',
  properties: { id, state: 'open', operable: true },
  geometry: { type: 'Point', coordinates },
});

/** Koulukatu's main in two lengths with a valve between (houses 1–10 below it, 11–20 above), Puistokatu's, and a cross main with a valve. */
const NETWORK = {
  type: 'FeatureCollection',
  features: [
    pipe('K1', [
      [lonK, bottom],
      [lonK, middle],
    ]),
    pipe('K2', [
      [lonK, middle],
      [lonK + 0.0004, top],
    ]), // leaning a little: a vertical line's box has no width to click in
    pipe('P1', [
      [lonP, bottom],
      [lonP, top],
    ]),
    pipe('C1', [
      [lonK, bottom],
      [lonP, bottom],
    ]),
    valve('VK', [lonK, middle]),
    valve('VC', [CENTER.lon, bottom]),
  ],
};

const suite = browserSuite({
  setUp: async ({ server, tenant }) => {
    const { context } = server;
    await context.operators.createOperator(
      tenant,
      { email: OPERATOR.email, role: 'operator', password: OPERATOR.password },
      null,
    );
    const imported = await context.networks.importNetwork(tenant, 'water', Readable.from([JSON.stringify(NETWORK)]), {
      now: Date.now(),
    });
    if (!imported.stored) throw new Error(JSON.stringify(imported.rejections));
    await addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: '+358401110015' }], addresses: ['kk-15'] });
    await addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: '+358401110005' }], addresses: ['kk-5'] });
    await addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: '+358401110025' }], addresses: ['pk-5'] });
    await context.dispatch.runtime.startWorkers({ concurrency: 2, sweepMs: 200 });
  },
});

it('clicks the broken pipe, re-traces past a failed valve, and sends to the traced households', async () => {
  const watched = await openPage(suite.browser, suite.server.url);
  const { page } = watched;
  page.setDefaultTimeout(15_000);
  await submitConsoleLogin(page, suite.tenant.slug, OPERATOR.email, OPERATOR.password);
  await page.getByRole('heading', { name: 'Häiriöt' }).waitFor();
  await page.getByRole('link', { name: 'Uusi häiriö' }).first().click();
  await page.getByLabel('Otsikko').fill('Putkirikko Koulukadulla');
  await page.getByLabel('Jäljitä putkiverkosto vuotokohdasta').check();
  const map = page.getByRole('region', { name: 'Putkiverkoston kartta: napsauta putkea vuotokohdasta' });
  const zoomIn = async () => {
    const before = Number(await map.getAttribute('data-zoom'));
    await map.locator('.leaflet-control-zoom-in').click();
    await page.locator(`[data-zoom="${before + 1}"]`).waitFor();
  };
  await page.locator('[data-zoom]').waitFor();
  // The pipes are drawn from zoom 13 on; at 15 a 200 m pipe is some 30 px long.
  while (Number(await map.getAttribute('data-zoom')) < 15) await zoomIn();
  await map.locator('path.network-pipe--K2').waitFor();
  await map.locator('path.network-pipe--K2').click();
  await page.locator('.network-trace[data-addresses="10"]').waitFor({ timeout: 15_000 });
  await page.getByText('Suljettavat venttiilit: 1').waitFor();
  await page.locator('[data-figure="addresses"]').getByText('10').waitFor({ timeout: 15_000 });
  expect(await page.locator('[data-figure="sms"]').textContent()).toBe('1');
  await expectAccessible(page);

  // The valve does not close: the walk goes on down Koulukatu to the cross main's valve.
  await page.getByLabel('VK ei sulkeudu').check();
  await page.locator('.network-trace[data-addresses="20"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-figure="addresses"]').getByText('20').waitFor({ timeout: 15_000 });
  expect(await page.locator('[data-figure="sms"]').textContent()).toBe('2');

  await page.getByRole('button', { name: 'Tallenna häiriö' }).click();
  await page.getByRole('heading', { name: 'Putkirikko Koulukadulla' }).waitFor();
  await page.getByRole('button', { name: 'Käytä mallipohjaa' }).click();
  await page.getByRole('button', { name: 'Lähetä', exact: true }).click();
  await page.locator('.delivery[data-percent="100"]').waitFor({ timeout: 30_000 });
  expect(await page.locator('.delivery [data-state="delivered"]').textContent()).toBe('2');
  const inbox = (await (await fetch(`${suite.server.url}/api/dev/inbox`)).json()) as { items: Array<{ to: string }> };
  expect(
    inbox.items
      .map((m) => m.to)
      .filter((to) => to.startsWith('+35840111'))
      .sort(),
  ).toEqual(['+358401110005', '+358401110015']);
  expectNoProblems(watched);
  await watched.context.close();
}, 120_000);
