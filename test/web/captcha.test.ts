/**
 * The login's "I'm not a robot" with the CAPTCHA on (AVISO_CAPTCHA=altcha): the ALTCHA widget, its
 * worker and texts all come from this server, the proof of work is solved in the browser, and the
 * server accepts the solution with the PIN request.
 */
import { expect, it } from 'vitest';
import { openPage, PHONE, screenshot } from './browser.js';
import { browserSuite, expectAccessible, expectNoProblems } from './suite.js';

const suite = browserSuite({ config: { captcha: 'altcha' } });

it('solves the self-hosted ALTCHA proof of work in the browser before the PIN goes out (360 px)', async () => {
  const watched = await openPage(suite.browser, suite.server.url, PHONE);
  const { page } = watched;
  await page.goto(`/t/${suite.tenant.slug}`);
  await page.getByLabel('Puhelinnumero').fill('0401112223');
  const widget = page.locator('altcha-widget');
  await widget.locator('label').first().waitFor();
  await expectAccessible(page);

  // Without the tick the PIN is not asked for.
  await page.getByRole('button', { name: 'Lähetä PIN-koodi' }).click();
  await page.getByText('Rastita ensin').waitFor();

  await widget.locator('label').first().click();
  await widget.getByText('Vahvistettu').waitFor({ timeout: 20_000 });
  await screenshot(page, 'portal-captcha-360');
  await page.getByRole('button', { name: 'Lähetä PIN-koodi' }).click();
  await page.getByText('Sen saapuminen voi kestää muutaman minuutin').waitFor();

  const inbox = (await (await fetch(`${suite.server.url}/api/dev/inbox?to=%2B358401112223`)).json()) as {
    items: { text: string }[];
  };
  expect(inbox.items).toHaveLength(1);
  expectNoProblems(watched, { allowNotLoggedIn: true });
  await watched.context.close();
}, 60_000);
