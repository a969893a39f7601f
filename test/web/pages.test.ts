/**
 * The public pages in a real browser (Debian chromium), on a real server over HTTP: the dev inbox, the
 * public map and its embed, the portal's first view and the console's login — at desktop and phone
 * width, with no console errors, no request to any other origin, and no axe-core violations.
 */
import { describe, expect, it } from 'vitest';
import { DESKTOP, openPage, PHONE, screenshot, type WatchedPage } from './browser.js';
import { browserSuite, expectAccessible, expectNoProblems } from './suite.js';

const suite = browserSuite();

/** GET with the body read, so that no half-read answer keeps a connection to the server busy. */
async function get(path: string): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${suite.server.url}${path}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Opens a page, waits for `ready`, checks axe, console and foreign requests, saves a screenshot. */
async function visit(path: string, ready: string, name: string, viewport = DESKTOP): Promise<WatchedPage> {
  const watched = await openPage(suite.browser, suite.server.url, viewport);
  await watched.page.goto(path);
  await watched.page.waitForSelector(ready);
  return watched;
}

async function expectCleanPage(watched: WatchedPage, name: string): Promise<void> {
  await screenshot(watched.page, name);
  await expectAccessible(watched.page);
  expectNoProblems(watched);
}

describe('security headers of the pages', () => {
  it('sends the strict headers on every page, and lets only the configured origins frame the embed', async () => {
    const map = await get(`/t/${suite.tenant.slug}/map`);
    expect(map.status).toBe(200);
    expect(map.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(map.headers.get('x-frame-options')).toBe('DENY');
    expect(map.headers.get('x-content-type-options')).toBe('nosniff');

    await suite.server.context.tenants.updateSettings(suite.tenant, {
      embedOrigins: ['https://www.mantta.fi', 'javascript:alert(1)', 'https://x.example;script-src *'],
    });
    const embed = await get(`/t/${suite.tenant.slug}/embed`);
    const csp = embed.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://www.mantta.fi;");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('javascript:');
    expect(embed.headers.get('x-frame-options')).toBeNull();

    for (const path of [`/t/${suite.tenant.slug}`, '/admin', '/admin/incidents/new', '/dev/inbox']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    expect((await get('/t/no-such-town')).status).toBe(404);
    const asset = (await get('/admin')).text.match(/\/assets\/[^"]+\.js/)?.[0];
    expect((await get(asset!)).headers.get('cache-control')).toContain('immutable');
  });
});

describe('dev inbox /dev/inbox', () => {
  it('shows one phone per number and one mailbox per address, with voice messages playable, and refreshes itself', async () => {
    const { channels } = suite.server.context;
    await channels.sms.send({
      id: 'w1',
      tenantId: null,
      channel: 'sms',
      to: '+358401111111',
      from: 'MantanVesi',
      text: 'Vesikatko huomenna klo 9-12.',
    });
    await channels.voice.send({
      id: 'w2',
      tenantId: null,
      channel: 'voice',
      to: '+35831111111',
      text: 'Vesikatko huomenna.',
      language: 'fi',
    });
    for (const viewport of [DESKTOP, PHONE]) {
      const watched = await visit('/dev/inbox', '[data-to="+358401111111"]', 'inbox', viewport);
      const { page } = watched;
      expect(await page.textContent('[data-to="+358401111111"]')).toContain('Vesikatko huomenna klo 9-12.');
      expect(await page.getAttribute('[data-to="+35831111111"] audio', 'src')).toBe('/api/dev/inbox/w2/audio');
      // A message that arrives while the page is open appears without a reload.
      await channels.email.send({
        id: `w3-${viewport.width}`,
        tenantId: null,
        channel: 'email',
        to: `anna${viewport.width}@example.fi`,
        subject: 'PIN',
        text: 'PIN 123456',
      });
      await page.waitForSelector(`[data-to="anna${viewport.width}@example.fi"]`, { timeout: 10_000 });
      await expectCleanPage(watched, `inbox-${viewport.width}`);
      await watched.context.close();
    }
  });
});

describe('public map /t/{tenant}/map and /embed', () => {
  for (const viewport of [DESKTOP, PHONE]) {
    it(`draws the service area with no tiles, lists the disruptions and offers the address check and feeds (${viewport.width} px)`, async () => {
      const watched = await visit(
        `/t/${suite.tenant.slug}/map`,
        '.leaflet-overlay-pane path',
        `map-${viewport.width}`,
        viewport,
      );
      const { page } = watched;
      await page.waitForSelector('.incident-list');
      expect(await page.locator('.leaflet-tile').count()).toBe(0);
      expect(await page.getAttribute('a[href$="/public/cap.atom"]', 'type')).toBe('application/atom+xml');
      // The address picker: postal code, street, number; "131a" and "131b" are both offered.
      await page.getByLabel('Postinumero').fill('35800');
      await page.getByLabel('Katuosoite').fill('Birger');
      await page.getByLabel('Talon numero').fill('131');
      await page.waitForSelector('text=Birger Jarlsgatan 131b');
      // 131b is also among the matches of the street alone: the count is read once the number's search is in.
      await expect
        .poll(() => page.locator('.address-picker__matches input[type=radio]').count(), { timeout: 10_000 })
        .toBe(2);
      const width = await page.evaluate('document.documentElement.scrollWidth');
      expect(width).toBeLessThanOrEqual(viewport.width);
      await expectCleanPage(watched, `map-${viewport.width}`);
      await watched.context.close();
    });
  }

  it('the embed is the bare map, in the language chosen last', async () => {
    const watched = await visit(`/t/${suite.tenant.slug}/embed`, '.leaflet-overlay-pane path', 'embed');
    const { page } = watched;
    expect(await page.locator('.site-header').count()).toBe(0);
    await page.selectOption('#language-select', 'sv');
    await page.waitForSelector('text=Berörs min adress?');
    await page.reload();
    await page.waitForSelector('text=Berörs min adress?');
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await expectCleanPage(watched, 'embed');
    await watched.context.close();
  });
});

describe('keyboard only', () => {
  /** Presses Tab until the focused element matches `selector` (at most `limit` times). */
  async function tabTo(page: WatchedPage['page'], selector: string, limit = 25): Promise<void> {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      if (await page.locator(`${selector}:focus`).count()) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  it('a resident logs in with a PIN and registers using the keyboard alone', async () => {
    const watched = await openPage(suite.browser, suite.server.url, PHONE);
    const { page } = watched;
    await page.goto(`/t/${suite.tenant.slug}`);
    await page.getByLabel('Puhelinnumero').waitFor();
    await tabTo(page, 'input[name="phone"]');
    await page.keyboard.type('0407654321');
    // The number as the server read it in the tenant's country, with how the PIN will come, before it is sent.
    await page.getByText('Numero +358 40 7654321: matkapuhelin, PIN-koodi tulee tekstiviestinä.').waitFor();
    await page.keyboard.press('Enter');
    await page.getByText('Sen saapuminen voi kestää muutaman minuutin').waitFor();

    const inbox = JSON.parse((await get('/api/dev/inbox?to=%2B358407654321')).text) as { items: { text: string }[] };
    const pin = /\b(\d{6})\b/.exec(inbox.items.at(-1)?.text ?? '')?.[1] ?? '';
    await tabTo(page, 'input[name="pin"]');
    await page.keyboard.type(pin);
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Rekisteröidy' }).waitFor();
    await tabTo(page, 'input[autocomplete="given-name"]');
    await page.keyboard.type('Kaisa');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Koski');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Omat tiedot' }).waitFor();
    expect(await page.getByText('Kaisa Koski').count()).toBe(1);
    await expectAccessible(page);
    expectNoProblems(watched, { allowNotLoggedIn: true });
    await watched.context.close();
  });
});

describe('first views of the portal and the console', () => {
  it('the console login is labelled, keyboard-usable and clean', async () => {
    const watched = await visit('/admin', 'form[aria-labelledby="admin-login-heading"]', 'admin-login');
    await watched.page.keyboard.press('Tab');
    expect(await watched.page.evaluate('document.activeElement.className')).toBe('skip-link');
    await expectCleanPage(watched, 'admin-login');
    await watched.context.close();
  });
});
