/**
 * One browser test file's world: a real server on a fresh database (SQLite unless told) with the test town,
 * and a headless chromium — started before the file's (or the enclosing describe's) tests and stopped after them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import type { TestDatabase } from '../databases.js';
import { axeViolations, describeOpenPages, describeViolations, launchBrowser, type WatchedPage } from './browser.js';
import { buildTown } from './fixtures.js';
import { startWebServer, type WebServer } from './server.js';

export interface BrowserSuite {
  server: WebServer;
  browser: Browser;
  /** The test town (`buildTown`). */
  tenant: Tenant;
}

/**
 * Registers beforeAll/afterAll (of the file, or of the describe it is called in); the returned object is
 * filled in before the first test. `database` picks the engine (default SQLite).
 */
export function browserSuite(
  options: {
    config?: Partial<Config>;
    database?: TestDatabase;
    setUp?: (suite: BrowserSuite) => Promise<void>;
  } = {},
): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    [suite.server, suite.browser] = await Promise.all([
      startWebServer(options.config, {}, options.database),
      launchBrowser(),
    ]);
    suite.tenant = await buildTown(suite.server.context);
    await options.setUp?.(suite);
  });
  reportOpenPagesOnFailure(() => suite.browser);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/**
 * Registers (for the file, or the describe it is called in) a report of every page open in the browser when
 * a test fails, on stderr (`describeOpenPages`).
 */
export function reportOpenPagesOnFailure(browser: () => Browser | undefined): void {
  beforeEach(({ onTestFailed, task }) =>
    onTestFailed(async () => {
      const open = browser();
      if (open) console.error(`${task.name} failed; the pages open then:\n${await describeOpenPages(open, task.name)}`);
    }),
  );
}

/** axe-core finds no WCAG 2.1 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/**
 * No console error, no uncaught exception, no request to another origin. On the portal, the first
 * "am I logged in?" is answered 401 before a login: that one line is the only message allowed; a test
 * that sends refused input on purpose allows the browser's note of those 400 answers too.
 */
export function expectNoProblems(
  watched: WatchedPage,
  options: { allowNotLoggedIn?: boolean; allowRefused?: boolean } = {},
): void {
  const allowed = [
    ...(options.allowNotLoggedIn ? ['status of 401'] : []),
    ...(options.allowRefused ? ['status of 400'] : []),
  ];
  const problems = watched.problems.filter((p) => !allowed.some((note) => p.includes(note)));
  expect(problems, `answers of 400 and above: ${watched.failedResponses.join(', ') || 'none'}`).toEqual([]);
  expect(watched.foreignRequests).toEqual([]);
}

/**
 * Elements whose content is wider than they are (text running out of its card), outside the containers
 * meant to scroll sideways (wide tables); described by tag, class and the start of their text.
 */
export async function overflowingText(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('main *')]
    .filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
    .filter((el) => !['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX))
    .filter((el) => !el.closest('.leaflet-container, .table-scroll, pre'))
    .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' ' + (el.textContent || '').trim().slice(0, 40))`) as Promise<
    string[]
  >;
}

/** Fills the console's login form (tenant, email, password) and sends it; the caller waits for what comes next. */
export async function submitConsoleLogin(page: Page, slug: string, email: string, password: string): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('Organisaatio').fill(slug);
  await page.getByLabel('Sähköposti').fill(email);
  await page.getByLabel('Salasana', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
}
