/**
 * The console in the operator's language: the whole operator flow — log in, the incidents, a new incident
 * kept as a draft, saved, a notice sent, then every admin page — in Finnish and in Swedish (the browser's
 * language), with a reload and a Back at every step. Each step stays where it was after the reload, Back
 * goes to the step before, and no English sentence is on any page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fi } from '../../web/src/locales/fi.js';
import { sv } from '../../web/src/locales/sv.js';
import { DESKTOP, openPage, type WatchedPage } from './browser.js';
import { englishOnPage } from './portal-helpers.js';
import { browserSuite, expectAccessible, expectNoProblems } from './suite.js';

const ADMIN = { email: 'kieli@mantanvesi.fi', password: 'kieli-salasana-2025' };
type Texts = typeof fi;

const suite = browserSuite({
  setUp: async ({ server, tenant }) =>
    void (await server.context.operators.createOperator(
      tenant,
      { email: ADMIN.email, role: 'admin', password: ADMIN.password },
      null,
    )),
});

/** The page shows `heading` as its main heading and has finished loading what it shows. */
async function onPage(page: Page, texts: Texts, heading: string): Promise<void> {
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await page.getByText(texts.common.loading).first().waitFor({ state: 'detached' });
}

function operatorFlow(name: string, locale: string, texts: Texts) {
  it(`${name}: every step in the page's language, each surviving reload and Back`, async () => {
    const watched: WatchedPage = await openPage(suite.browser, suite.server.url, DESKTOP, locale);
    const { page } = watched;
    const admin = texts.admin;
    const noEnglish = async (step: string) => expect(await englishOnPage(watched), step).toEqual([]);
    /** No English, a reload that stays on the step, no English again. */
    const step = async (label: string, heading: string) => {
      await onPage(page, texts, heading);
      await noEnglish(label);
      const url = page.url();
      await page.reload();
      await onPage(page, texts, heading);
      expect(page.url(), `${label} after a reload`).toBe(url);
      await noEnglish(`${label} after a reload`);
    };

    await page.goto('/admin');
    await step('login', admin.login.heading);
    await page.getByLabel(admin.login.tenant).fill(suite.tenant.slug);
    await page.getByLabel(admin.login.email).fill(ADMIN.email);
    await page.getByLabel(admin.login.password, { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: admin.login.submit }).click();
    await step('incidents', admin.incidents.heading);

    // A new incident: unsaved work is one draft, kept across a reload and Back/Forward.
    const title = `${name}: vesikatko`;
    await page.getByRole('navigation').getByRole('link', { name: admin.nav.newIncident }).click();
    await onPage(page, texts, admin.incident.newHeading);
    await page.getByLabel(admin.incident.title).fill(title);
    await page.locator('summary').getByText(admin.area.byAddress).click();
    await page.getByLabel(admin.area.postalCodes).fill('35800');
    await page.getByText(admin.incident.draftKept).waitFor();
    await page.locator('[data-figure="addresses"]').waitFor();
    await step('new incident', admin.incident.newHeading);
    expect(await page.getByLabel(admin.incident.title).inputValue()).toBe(title);
    await page.goBack();
    await onPage(page, texts, admin.incidents.heading);
    await noEnglish('incidents after Back');
    await page.goForward();
    await onPage(page, texts, admin.incident.newHeading);
    expect(await page.getByLabel(admin.incident.title).inputValue()).toBe(title);

    // Saved and sent: the incident's page survives a reload while and after its notice goes out.
    await page.locator('[data-figure="addresses"]').waitFor();
    await page.getByRole('button', { name: admin.incident.create }).click();
    await onPage(page, texts, title);
    await page.getByRole('button', { name: admin.compose.template }).click();
    await page.getByRole('button', { name: admin.compose.send, exact: true }).click();
    await page.locator('.delivery[data-percent="100"]').waitFor({ timeout: 30_000 });
    await step('incident', title);
    await page.locator('.delivery[data-percent="100"]').waitFor({ timeout: 30_000 });
    await expectAccessible(page);
    await page.goBack();
    await onPage(page, texts, admin.incident.newHeading);
    await noEnglish('new incident after Back');

    // Every admin page, from the menu: reloaded, and Back to the one before.
    let previous = admin.incident.newHeading;
    for (const [link, heading] of [
      [admin.nav.incidents, admin.incidents.heading],
      [admin.nav.residents, admin.residents.heading],
      [admin.nav.import, admin.import.heading],
      [admin.nav.operators, admin.operators.heading],
      [admin.nav.audit, admin.audit.heading],
      [admin.nav.settings, admin.settings.heading],
    ] as const) {
      await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
      await step(link, heading);
      await page.goBack();
      await onPage(page, texts, previous);
      await noEnglish(`${link}, Back`);
      await page.goForward();
      await onPage(page, texts, heading);
      previous = heading;
    }
    expectNoProblems(watched);
    await watched.context.close();
  }, 120_000);
}

describe('console language', () => {
  operatorFlow('Suomeksi', 'fi-FI', fi);
  operatorFlow('På svenska', 'sv-SE', sv);
});
