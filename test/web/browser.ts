/**
 * Headless Debian chromium driven by playwright-core (`npx playwright install` cannot work here), plus
 * axe-core for the accessibility checks and a collector of console errors.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');
// Tests write upload fixtures here before any screenshot exists, so it must exist from the start.
mkdirSync(ARTIFACTS, { recursive: true });

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Viewport {
  width: number;
  height: number;
}

export const DESKTOP: Viewport = { width: 1280, height: 900 };
export const PHONE: Viewport = { width: 360, height: 740 };

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and failed requests seen so far. */
  problems: string[];
  /** Requests that left for another origin (there must be none). */
  foreignRequests: string[];
  /** Answers of 400 and above, as `METHOD path → status`: the console says only the status, this says which request. */
  failedResponses: string[];
}

/** Each page's last navigations (reloads and history steps included), for the report of a failed test. */
const navigations = new WeakMap<Page, string[]>();
const KEPT_NAVIGATIONS = 30;

function recordNavigations(page: Page): void {
  const log: string[] = [];
  const started = Date.now();
  navigations.set(page, log);
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    log.push(`+${Date.now() - started} ms ${frame.url()}`);
    if (log.length > KEPT_NAVIGATIONS) log.shift();
  });
}

/** A fresh context (own cookies and storage; the browser's language `locale`) with a page whose console errors and foreign requests are kept. */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  viewport: Viewport = DESKTOP,
  locale = 'fi-FI',
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl, locale, timezoneId: 'Europe/Helsinki' });
  const page = await context.newPage();
  recordNavigations(page);
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  const failedResponses: string[] = [];
  const origin = new URL(baseUrl).origin;
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (/^https?:/.test(url) && new URL(url).origin !== origin) foreignRequests.push(url);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const url = new URL(response.url());
    failedResponses.push(`${response.request().method()} ${url.pathname}${url.search} → ${response.status()}`);
  });
  return { context, page, problems, foreignRequests, failedResponses };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

const AXE_OPTIONS = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } };

/** Runs axe-core (WCAG 2.0/2.1 A and AA) on the page; evaluate() is not bound by the page's CSP. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: the test code itself has no DOM types.
  const violations = await page.evaluate(`axe.run(document, ${JSON.stringify(AXE_OPTIONS)}).then((r) => r.violations)`);
  return (violations as AxeViolation[]).map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
  }));
}

/** A readable summary for assertion messages. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n  ')}`,
    )
    .join('\n');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * What every page still open in `browser` shows — its address, its history's length, its level-1 headings,
 * the start of its text, its last navigations — with a screenshot of each: written to stderr when a test
 * fails, so a failure that does not come back when run again still says where the page was.
 */
export async function describeOpenPages(browser: Browser, testName: string): Promise<string> {
  const pages = browser.contexts().flatMap((context) => context.pages());
  const reports = await Promise.all(
    pages.map(async (page, i) => {
      const state = await page
        .evaluate(
          `({ length: history.length, headings: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
             text: document.body.innerText.replace(/\\s+/g, ' ').slice(0, 300) })`,
        )
        .catch((error: unknown) => ({ error: String(error) }));
      const shot = await screenshot(page, `failed-${testName.replace(/[^\w-]+/g, '-').slice(0, 80)}-${i}`).catch(
        (error: unknown) => `no screenshot: ${String(error)}`,
      );
      return [
        `page ${i}: ${page.url()}`,
        `  state: ${JSON.stringify(state)}`,
        `  screenshot: ${shot}`,
        `  navigations:`,
        ...(navigations.get(page) ?? []).map((line) => `    ${line}`),
      ].join('\n');
    }),
  );
  return reports.join('\n') || 'no page open';
}
