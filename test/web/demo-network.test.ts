/**
 * The demo town as `npm start` makes it, with its generated water network: an operator clicks a pipe near the
 * middle of the town in the console's pipe network mode, sees the households the trace catches, sends, and
 * the notice reaches exactly the traced households with a phone — not a neighbour on another branch. The
 * network's map shows the town's address points under the pipes.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/demo.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { addPerson } from '../dispatch/fixtures.js';
import { launchBrowser, openPage, screenshot } from './browser.js';
import { startWebServer, type WebServer } from './server.js';
import { expectAccessible, expectNoProblems, reportOpenPagesOnFailure, submitConsoleLogin } from './suite.js';

const OPERATOR = { email: 'demo-verkosto@mantanvesi.fi', password: 'demo-verkosto-salasana-2025' };

let server: WebServer;
let browser: Browser;
let tenant: Tenant;
/** The pipe clicked: one piece on the map, the nearest to the town's middle. */
let pipe = '';
let traced = 0;
const inside = ['+358401230001', '+358401230002'];
const outside = '+358401230003';

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  const { context } = server;
  const demo = await createDemo(context);
  tenant = demo.tenant;
  await context.operators.createOperator(
    tenant,
    { email: OPERATOR.email, role: 'operator', password: OPERATOR.password },
    null,
  );
  const [w, s, e, n] = tenant.bbox;
  const centre: [number, number] = [(w + e) / 2, (s + n) / 2];
  // The whole town's network: a pipe in more than one piece (a valve along it) is drawn as several lines.
  const { features } = await context.networks.networkFeatures(tenant, 'water', [w, s, e, n], 1_000_000);
  const pieces = features as Array<{
    geometry: { type: string; coordinates: number[][] };
    properties: { kind: string; id: string };
  }>;
  const pipes = pieces.filter((f) => f.properties.kind === 'pipe');
  const once = pipes.filter((f) => pipes.filter((g) => g.properties.id === f.properties.id).length === 1);
  const middle = (f: (typeof once)[number]) => {
    const [a, b] = [f.geometry.coordinates[0]!, f.geometry.coordinates.at(-1)!];
    return [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2] as [number, number];
  };
  const distance = (p: [number, number]) => Math.hypot(p[0] - centre[0], (p[1] - centre[1]) * 2);
  // The nearest piece whose trace catches houses (a main may run where nobody lives).
  const candidates = once
    .filter((f) => f.geometry.coordinates.length === 2)
    .sort((a, b) => distance(middle(a)) - distance(middle(b)));
  let addresses: string[] = [];
  for (const candidate of candidates) {
    const selection = { service: 'water' as const, at: middle(candidate), failedValves: [] };
    addresses = await context.networks.tracedAddressIds(tenant, selection);
    pipe = candidate.properties.id;
    if (addresses.length >= 2) break;
  }
  traced = addresses.length;
  if (traced < 2) throw new Error('no pipe near the middle of the demo town catches two houses');
  // The people are added by the addresses' source ids (the register's own).
  const all = await context.db.kysely
    .selectFrom('addresses')
    .select(['id', 'source_id'])
    .where('tenant_id', '=', tenant.id)
    .execute();
  const sourceOf = new Map(all.map((a) => [a.id, a.source_id]));
  const elsewhere = all.find((a) => !addresses.includes(a.id))!.source_id;
  const person = (phone: string, address: string) =>
    addPerson(context, tenant, { endpoints: [{ type: 'mobile', value: phone }], addresses: [address] });
  await person(inside[0]!, sourceOf.get(addresses[0]!)!);
  await person(inside[1]!, sourceOf.get(addresses.at(-1)!)!);
  await person(outside, elsewhere);
  await context.dispatch.runtime.startWorkers({ concurrency: 2, sweepMs: 200 });
}, 120_000);

reportOpenPagesOnFailure(() => browser);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('clicks a pipe of the demo town and sends to exactly the traced households', async () => {
  const watched = await openPage(browser, server.url);
  const { page } = watched;
  page.setDefaultTimeout(15_000);
  await submitConsoleLogin(page, tenant.slug, OPERATOR.email, OPERATOR.password);
  await page.getByRole('heading', { name: 'Häiriöt' }).waitFor();
  await page.getByRole('link', { name: 'Uusi häiriö' }).first().click();
  await page.getByLabel('Otsikko').fill('Putkirikko keskustassa');
  await page.getByLabel('Jäljitä putkiverkosto vuotokohdasta').check();
  const map = page.getByRole('region', { name: 'Putkiverkoston kartta: napsauta putkea vuotokohdasta' });
  await page.locator('[data-zoom]').waitFor();
  while (Number(await map.getAttribute('data-zoom')) < 15) {
    const before = Number(await map.getAttribute('data-zoom'));
    await map.locator('.leaflet-control-zoom-in').click();
    await page.locator(`[data-zoom="${before + 1}"]`).waitFor();
  }
  // The town's houses are drawn under the pipes, as on the drawing map; the pipes still take the click.
  await expect.poll(async () => Number(await map.getAttribute('data-address-points'))).toBeGreaterThan(0);
  // Between the pipes (their SVG box lets the pointer through), what it meets is the points' canvas: a hover shows a house.
  const underPointer = await map.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hits: string[] = [];
    for (let i = 1; i < 8; i++) {
      for (let j = 1; j < 8; j++) {
        const hit = el.ownerDocument.elementFromPoint(r.x + (r.width * i) / 8, r.y + (r.height * j) / 8);
        hits.push(hit?.closest('.leaflet-network-addresses-pane') ? 'addresses' : (hit?.tagName.toLowerCase() ?? ''));
      }
    }
    return hits;
  });
  expect(underPointer).toContain('addresses');
  expect(underPointer).not.toContain('svg');
  // The grid's mains run north–south or east–west: a line whose box has no width (or height) to click in, so
  // the click goes to the middle of the line itself.
  const line = map.locator(`path.network-pipe--${pipe}`);
  await line.waitFor({ state: 'attached' });
  await map.scrollIntoViewIfNeeded();
  const box = await line.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  });
  await page.mouse.click(box.x, box.y);
  await page.locator(`.network-trace[data-addresses="${traced}"]`).waitFor();
  await page.locator('[data-figure="addresses"]').getByText(String(traced)).waitFor();
  expect(await page.locator('[data-figure="sms"]').textContent()).toBe('2');
  await expectAccessible(page);
  await screenshot(page, 'console-network-1280');

  await page.getByRole('button', { name: 'Tallenna häiriö' }).click();
  await page.getByRole('heading', { name: 'Putkirikko keskustassa' }).waitFor();
  await page.getByRole('button', { name: 'Käytä mallipohjaa' }).click();
  await page.getByRole('button', { name: 'Lähetä', exact: true }).click();
  await page.locator('.delivery[data-percent="100"]').waitFor({ timeout: 30_000 });
  const inbox = (await (await fetch(`${server.url}/api/dev/inbox`)).json()) as { items: Array<{ to: string }> };
  expect(
    inbox.items
      .map((m) => m.to)
      .filter((to) => to.startsWith('+35840123'))
      .sort(),
  ).toEqual(inside);
  expectNoProblems(watched);
  await watched.context.close();
}, 120_000);
