/**
 * The console and the public map say the same about an incident: planned work before its start is
 * "planned" (not "active") in both, and after the all-clear the console's incident page says
 * "resolved" as soon as the message has gone — without a reload — as the public map does. The SMS
 * counter counts the text as it will be sent and shows the link rule while typing; the public map's
 * address check names the disruption and its times. The new-incident page keeps unsaved work as one
 * draft across a reload, and deletes it when discarded; a new operator's first-login set-up survives a
 * reload.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { fi } from '../../web/src/locales/fi.js';
import { CENTER, square, tokenHeaders } from '../dispatch/fixtures.js';
import { waitFor } from '../wait.js';
import { openPage } from './browser.js';
import { browserSuite, expectAccessible, expectNoProblems, submitConsoleLogin } from './suite.js';

const ADMIN = { email: 'tila@mantanvesi.fi', password: 'tila-salasana-2025' };
const TITLE = 'Vesijohdon huolto';
let incidentId = '';

const suite = browserSuite({
  setUp: async ({ server, tenant }) => {
    await server.context.operators.createOperator(
      tenant,
      { email: ADMIN.email, role: 'admin', password: ADMIN.password },
      null,
    );
    const headers = await tokenHeaders(server.context, tenant);
    const url = `/api/t/${tenant.slug}/incidents`;
    const startsAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const created = await server.app.inject({
      method: 'POST',
      url,
      headers,
      payload: {
        service: 'water',
        kind: 'planned',
        title: TITLE,
        startsAt,
        area: square(CENTER.lon, CENTER.lat, 0.01),
        published: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    incidentId = created.json().id;
    const alert = await server.app.inject({
      method: 'POST',
      url: `${url}/${incidentId}/messages`,
      headers,
      payload: { kind: 'alert', texts: { fi: 'Vesikatko ylihuomenna' } },
    });
    expect(alert.statusCode, alert.body).toBe(201);
    await waitFor('the alert to freeze the recipients', async () => {
      const answer = await server.app.inject({ url: `${url}/${incidentId}`, headers });
      return answer.json().frozen ? true : undefined;
    });
  },
});

async function logIn(page: Page): Promise<void> {
  await submitConsoleLogin(page, suite.tenant.slug, ADMIN.email, ADMIN.password);
  await page.getByRole('heading', { name: fi.admin.incidents.heading }).waitFor();
}

/** The tenant's draft incidents, by the API. */
async function drafts(): Promise<string[]> {
  const answer = await suite.server.app.inject({
    url: `/api/t/${suite.tenant.slug}/incidents?status=draft`,
    headers: await tokenHeaders(suite.server.context, suite.tenant, 'viewer'),
  });
  return (answer.json().items as Array<{ title: string }>).map((i) => i.title);
}

it('keeps unsaved work as one draft across a reload, and discarding it deletes it; suggests streets', async () => {
  const watched = await openPage(suite.browser, suite.server.url);
  const { page } = watched;
  await logIn(page);
  await page.goto('/admin/incidents/new');
  await page.getByLabel(fi.admin.incident.title).fill('Luonnos keskustaan');
  await page.locator('summary').getByText(fi.admin.area.byAddress).click();
  // The street field suggests the register's streets, and says when none begins with what was typed.
  await page.getByRole('button', { name: fi.admin.area.addStreet }).click();
  const street = page.getByLabel(fi.admin.area.street, { exact: true });
  // A street row not yet named is no area: nothing to create, and no draft saved of it (the API refuses an
  // area of nothing). Drawn in the same turn as the row, so the button is read as that row left it.
  await street.waitFor();
  expect(await page.getByRole('button', { name: fi.admin.incident.create }).isDisabled()).toBe(true);
  await street.fill('Koul');
  await page.locator('.street-row datalist option[value="Koulukatu"]').waitFor({ state: 'attached' });
  await street.fill('Xyz');
  await page.getByText(fi.admin.area.noStreet.replace('{{prefix}}', 'Xyz')).waitFor();
  await page.locator('.street-row').getByRole('button', { name: fi.common.remove }).click();
  await page.getByLabel(fi.admin.area.postalCodes).fill('35800');
  await page.getByText(fi.admin.incident.draftKept).waitFor();
  await page.locator('[data-figure="addresses"]').waitFor();
  expect(await drafts()).toEqual(['Luonnos keskustaan']);

  await page.reload();
  await page.getByText(fi.admin.incident.draftKept).waitFor();
  expect(await page.getByLabel(fi.admin.incident.title).inputValue()).toBe('Luonnos keskustaan');
  await page.locator('[data-figure="addresses"]').waitFor();
  expect(await drafts()).toEqual(['Luonnos keskustaan']);
  await expectAccessible(page);

  await page.getByRole('button', { name: fi.admin.incident.discard }).click();
  await page
    .getByRole('group', { name: fi.admin.incident.discardConfirm })
    .getByRole('button', { name: fi.common.yes })
    .click();
  await waitFor('the draft to be deleted', async () => ((await drafts()).length === 0 ? true : undefined), 10_000);
  // The draft is deleted before the page hears so and empties the form.
  await expect.poll(() => page.getByLabel(fi.admin.incident.title).inputValue(), { timeout: 10_000 }).toBe('');
  expectNoProblems(watched);
  await watched.context.close();
}, 60_000);

it('keeps a new operator on the first-login set-up across a reload', async () => {
  const created = await suite.server.context.operators.createOperator(
    suite.tenant,
    { email: 'uusi@mantanvesi.fi', role: 'operator' },
    null,
  );
  const watched = await openPage(suite.browser, suite.server.url);
  const { page } = watched;
  await submitConsoleLogin(page, suite.tenant.slug, 'uusi@mantanvesi.fi', created.oneTimePassword!);
  await page.getByRole('heading', { name: fi.admin.setup.passwordHeading }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: fi.admin.setup.passwordHeading }).waitFor();
  await page.getByLabel(fi.admin.setup.currentPassword).fill(created.oneTimePassword!);
  await page.getByLabel(fi.admin.setup.newPassword).fill('uusi-salasana-2025');
  await page.getByRole('button', { name: fi.admin.setup.savePassword }).click();
  await page.getByRole('heading', { name: fi.admin.incidents.heading }).waitFor();
  await expectAccessible(page);
  expectNoProblems(watched);
  await watched.context.close();
}, 60_000);

it('shows planned work as planned, the all-clear as resolved at once, in the console and on the public map; counts the SMS as sent', async () => {
  const watched = await openPage(suite.browser, suite.server.url);
  const { page } = watched;
  const statuses = fi.common.statuses;

  await page.goto(`/t/${suite.tenant.slug}/map`);
  await page.locator('.incident-list').getByText(statuses.planned).waitFor();
  // "Is my address affected?" names the disruption and when it starts.
  await page.getByLabel(fi.common.address.postalCode).fill('35800');
  await page.getByLabel(fi.common.address.street).fill('Koulukatu');
  await page.getByLabel(fi.common.address.number).fill('5');
  await page.getByLabel('Koulukatu 5, 35800 Mänttä').check();
  await page.getByRole('button', { name: fi.map.check.check }).click();
  const answer = page.locator('.address-check .alert');
  await answer.getByText(TITLE).waitFor();
  expect(await answer.textContent()).toContain(fi.map.starts);
  await expectAccessible(page);

  await logIn(page);
  await page.getByRole('button', { name: new RegExp(`^${fi.admin.incidents.tabs.planned}`) }).click();
  const row = page.getByRole('row').filter({ hasText: TITLE });
  await row.getByText(statuses.planned, { exact: true }).waitFor();
  await row.getByRole('link', { name: TITLE }).click();
  const header = page.locator('section[aria-labelledby="incident-heading"]');
  await header.getByText(statuses.planned, { exact: true }).waitFor();
  expect(await header.getByText(statuses.active, { exact: true }).count()).toBe(0);

  // The all-clear from the console: the page follows the incident to "resolved" by itself.
  await page.getByLabel(fi.admin.compose.kind).selectOption('all-clear');
  await page.getByRole('button', { name: fi.admin.compose.template }).click();
  await page.locator('textarea[data-language="fi"]').fill('Vesikatko ohi klo 8–12. Mäntän Vesi');
  await page.getByRole('button', { name: fi.admin.compose.send, exact: true }).click();
  await header.getByText(statuses.resolved, { exact: true }).waitFor({ timeout: 20_000 });
  // The server's note that the en dash went out as a hyphen, in the page's language.
  await page
    .getByText(
      fi.admin.delivery.replacedIn.replace('{{language}}', fi.common.languageNames.fi).replace('{{characters}}', '–'),
    )
    .waitFor();
  await expectAccessible(page);

  // The counter counts what will be sent (the en dash goes out as a hyphen: GSM-7, one part) and shows
  // the link rule while typing.
  const text = page.locator('textarea[data-language="fi"]');
  const counter = page.locator('.sms-counter').first();
  await text.fill('Vesikatko klo 8–12 Koulukadulla. Lisätietoja huomenna.');
  await counter.and(page.locator('[data-encoding="GSM-7"][data-segments="1"]')).waitFor();
  await counter.getByText(fi.admin.compose.replaced.replace('{{characters}}', '–')).waitFor();
  await text.fill('Lisätietoja www.mantanvesi.fi');
  await counter.getByText(fi.problems['text-links']).waitFor();
  await expectAccessible(page);

  await page.goto(`/t/${suite.tenant.slug}/map`);
  await page.locator('.incident-list').getByText(statuses.resolved).waitFor();
  expectNoProblems(watched);
  await watched.context.close();
}, 60_000);

it('saves back no area it only loaded, and a Send right after an area change goes to the changed area', async () => {
  const headers = await tokenHeaders(suite.server.context, suite.tenant);
  const url = `/api/t/${suite.tenant.slug}/incidents`;
  const created = await suite.server.app.inject({
    method: 'POST',
    url,
    headers,
    payload: {
      service: 'water',
      kind: 'sudden',
      title: 'Putkirikko',
      area: square(CENTER.lon, CENTER.lat, 0.002),
      published: false,
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;

  const watched = await openPage(suite.browser, suite.server.url);
  const { page } = watched;
  const writes: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() !== 'GET' && path.includes(`/incidents/${id}`) && !path.endsWith('/preview'))
      writes.push(`${request.method()} ${path}`);
  });
  await logIn(page);
  await page.goto(`/admin/incidents/${id}`);
  await page.locator('[data-figure="addresses"]').waitFor();
  expect(writes).toEqual([]);

  // The postal code is typed and Send pressed before the change had settled: the change is saved first.
  await page.locator('summary').getByText(fi.admin.area.byAddress).click();
  await page.getByLabel(fi.admin.area.postalCodes).fill('35800');
  await page.getByRole('button', { name: fi.admin.compose.template }).click();
  await page.getByRole('button', { name: fi.admin.compose.send, exact: true }).click();
  await page.locator('.delivery').first().waitFor();
  const saved = await suite.server.app.inject({ url: `${url}/${id}`, headers });
  expect(saved.json().postalCodes).toEqual(['35800']);
  expect(writes.slice(0, 2)).toEqual([
    `PATCH /api/t/${suite.tenant.slug}/incidents/${id}`,
    `POST /api/t/${suite.tenant.slug}/incidents/${id}/messages`,
  ]);
  expectNoProblems(watched);
  await watched.context.close();
}, 60_000);
