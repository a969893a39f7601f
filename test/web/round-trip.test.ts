/**
 * The whole round trip in a real browser, on a real server: a resident registers with a PIN read from
 * the dev inbox and adds two addresses; an operator draws a polygon around one of them, sees the
 * count, sends, and watches delivery reach 100 %; the resident's phone in the dev inbox has the
 * notice; the public map shows the published incident. At desktop width and at 360 px.
 * The tests run in order, as one story: the operators' messages go to the residents registered first.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/modules/operators/totp.js';
import { DESKTOP, openPage, PHONE, screenshot, type Viewport, type WatchedPage } from './browser.js';
import { buildTown } from './fixtures.js';
import { readPinFromInbox } from './portal-helpers.js';
import { browserSuite, expectAccessible, expectNoProblems } from './suite.js';

const suite = browserSuite({
  // A second utility covering the same streets: the register-once offer.
  setUp: async ({ server }) => void (await buildTown(server.context, 'mantan-energia', 'Mäntän Energia')),
});

async function addAddress(
  page: Page,
  postalCode: string,
  street: string,
  number: string,
  pick: string,
  label?: string,
): Promise<void> {
  const form = page.locator('form[aria-labelledby="add-address-heading"]');
  await form.getByLabel('Postinumero').fill(postalCode);
  await form.getByLabel('Katuosoite').fill(street);
  await form.getByLabel('Talon numero').fill(number);
  await form.getByLabel(pick, { exact: false }).check();
  if (label) await form.getByLabel('Osoitteen nimi (vapaaehtoinen)').fill(label);
  await form.getByRole('button', { name: 'Lisää osoite' }).click();
  await page.waitForSelector(`text=${label ? `${label}: ` : ''}${pick}`);
}

/** Logs in on the portal with a PIN read from the dev inbox page. */
async function logIn(watched: WatchedPage, phone: string, e164: string, screenshotName?: string): Promise<void> {
  const { page } = watched;
  await page.goto(`/t/${suite.tenant.slug}`);
  await page.getByLabel('Puhelinnumero').fill(phone);
  if (screenshotName) {
    await expectAccessible(page);
    await screenshot(page, screenshotName);
  }
  await page.getByRole('button', { name: 'Lähetä PIN-koodi' }).click();
  await page.getByText('Sen saapuminen voi kestää muutaman minuutin').waitFor();
  await page.getByLabel('PIN-koodi').fill(await readPinFromInbox(watched, e164));
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
}

async function registerPerson(page: Page, firstName: string, lastName: string): Promise<void> {
  await page.getByLabel('Etunimi').fill(firstName);
  await page.getByLabel('Sukunimi').fill(lastName);
  await page.getByRole('button', { name: 'Rekisteröidy' }).click();
  await page.getByRole('heading', { name: 'Omat tiedot' }).waitFor();
}

function residentFlow(viewport: Viewport, phone: string, e164: string) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    await logIn(watched, phone, e164, `portal-login-${viewport.width}`);
    await registerPerson(page, 'Anna', 'Virtanen');

    await addAddress(page, '35800', 'Koulukatu', '5', 'Koulukatu 5, 35800 Mänttä');
    await page.getByRole('button', { name: 'Lisää lisäosoite' }).click();
    await addAddress(page, '35800', 'Birger', '131', 'Birger Jarlsgatan 131b, 35800 Mänttä', 'Mökki');

    expect(await page.locator('.my-address').count()).toBe(2);
    await page.waitForSelector('.leaflet-marker-icon >> nth=1');
    expect(await page.locator('.leaflet-marker-icon').count()).toBe(2);
    await expectAccessible(page);
    await screenshot(page, `portal-${viewport.width}`);
    expectNoProblems(watched, { allowNotLoggedIn: true });
    await watched.context.close();
  };
}

describe('resident portal', () => {
  it(
    'a resident registers with a PIN from the dev inbox and adds two addresses (desktop)',
    residentFlow(DESKTOP, '040 123 4567', '+358401234567'),
    90_000,
  );
  it('the same at 360 px', residentFlow(PHONE, '0501234567', '+358501234567'), 90_000);

  it('keeps numbers, emails, addresses and data up to date, logs off, and deletes it all', async () => {
    const watched = await openPage(suite.browser, suite.server.url, DESKTOP);
    const { page } = watched;
    await logIn(watched, '0451234567', '+358451234567');
    await registerPerson(page, 'Bertil', 'Nyström');
    await addAddress(page, '35800', 'Puistokatu', '7', 'Puistokatu 7, 35800 Mänttä');

    // Register once: the other utility covering the address is offered, with consent per utility.
    await page.getByLabel(/Rekisteröi minut palveluun Mäntän Energia/).check();
    await page.getByRole('button', { name: 'Rekisteröi valittuihin' }).click();
    await page.getByText('Rekisteröity.').waitFor();

    // A new email receives notices only once verified with the PIN sent to it.
    await page.getByLabel('Puhelinnumero tai sähköposti').fill('bertil@example.fi');
    await page.getByRole('button', { name: 'Lisää numero tai sähköposti' }).click();
    const email = page.locator('[data-endpoint="bertil@example.fi"]');
    await email.getByText('Vahvistamatta').waitFor();
    await email.getByLabel('PIN-koodi').fill(await readPinFromInbox(watched, 'bertil@example.fi'));
    await email.getByRole('button', { name: 'Vahvista' }).click();
    await email.getByText('Vahvistettu').waitFor();

    // The number answered LOPETA by SMS (as the SMS replies handle it): the portal says so, and takes it back.
    await suite.server.context.db.kysely
      .insertInto('sms_opt_outs')
      .values({ tenant_id: suite.tenant.id, number: '+358451234567', created_at: Date.now() })
      .execute();
    await page.reload();
    const mobile = page.locator('[data-endpoint="+358451234567"]');
    await mobile.getByText('Vastasit tekstiviestillä LOPETA').waitFor();
    await expectAccessible(page);
    await mobile.getByRole('button', { name: 'Lähetä tiedotteet tähän numeroon taas' }).click();
    await mobile.getByText('Vastasit tekstiviestillä LOPETA').waitFor({ state: 'detached' });
    expect(
      await suite.server.context.db.kysely
        .selectFrom('sms_opt_outs')
        .selectAll()
        .where('tenant_id', '=', suite.tenant.id)
        .execute(),
    ).toEqual([]);

    // Notices off for the address, and the name hidden.
    const address = page.locator('.my-address').first();
    await address.getByRole('button', { name: 'Poista tiedotteet käytöstä' }).click();
    await address.getByText('Tiedotteet pois').waitFor();
    await page.getByLabel('Piilota nimeni').check();
    await page.getByText('Nimi piilotettu').waitFor();
    await expectAccessible(page);

    // The export is a JSON download of everything.
    const download = await page.request.get(`/api/t/${suite.tenant.slug}/me/export`);
    expect(download.headers()['content-disposition']).toContain('attachment');
    expect(JSON.stringify(await download.json())).toContain('bertil@example.fi');

    await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
    await page.getByText('Olet kirjautunut ulos.').waitFor();

    // Back in with a new PIN, then delete everything.
    await logIn(watched, '0451234567', '+358451234567');
    await page.getByText('Nimi piilotettu').waitFor();
    await page.getByRole('button', { name: 'Poista kaikki tietoni' }).click();
    await page
      .getByRole('group', { name: /Poistetaanko kaikki tietosi/ })
      .getByRole('button', { name: 'Kyllä' })
      .click();
    await page.getByText('Tietosi poistettiin.').waitFor();
    expectNoProblems(watched, { allowNotLoggedIn: true });
    await watched.context.close();
  }, 90_000);
});

const OPERATOR = { email: 'operaattori@mantanvesi.fi', password: 'vesijohto-ja-lampo-2025' };
let totpSecret = '';

/** Logs in to the console; the first time through the one-time password, the new password and TOTP set-up. */
async function operatorLogIn(page: Page, oneTimePassword?: string): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('Organisaatio').fill(suite.tenant.slug);
  await page.getByLabel('Sähköposti').fill(OPERATOR.email);
  await page.getByLabel('Salasana', { exact: true }).fill(oneTimePassword ?? OPERATOR.password);
  // A code of the next 30-second step: the one the set-up used may not be used again.
  if (!oneTimePassword)
    await page.getByLabel('Todennussovelluksen koodi').fill(totpCode(totpSecret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  if (!oneTimePassword) return;

  await page.getByLabel('Nykyinen (kertakäyttöinen) salasana').fill(oneTimePassword);
  await page.getByLabel('Uusi salasana').fill(OPERATOR.password);
  await page.getByRole('button', { name: 'Tallenna salasana' }).click();
  await page.getByRole('button', { name: 'Näytä avain' }).click();
  totpSecret = ((await page.locator('.totp-secret').textContent()) ?? '').trim();
  await page.getByLabel('Sovelluksen koodi').fill(totpCode(totpSecret, Date.now()));
  await page.getByRole('button', { name: 'Vahvista' }).click();
}

/** Clicks a polygon around the middle of the map (where the town's streets are), closing it on the first corner. */
async function drawPolygon(page: Page): Promise<void> {
  const map = page.locator('.area-editor .map');
  await page.getByRole('button', { name: 'Monikulmio' }).click();
  await map.scrollIntoViewIfNeeded();
  const box = (await map.boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  for (const [fx, fy] of [
    [0.3, 0.25],
    [0.7, 0.25],
    [0.7, 0.75],
    [0.3, 0.75],
    [0.3, 0.25],
  ] as const) {
    const [x, y] = at(fx, fy);
    await page.mouse.click(x, y);
    await page.waitForTimeout(150);
  }
}

function operatorFlow(viewport: Viewport, oneTimePassword: () => string | undefined, title: string) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    await operatorLogIn(page, oneTimePassword());
    await page.getByRole('heading', { name: 'Häiriöt' }).waitFor();
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Uusi häiriö' }).first().click();
    await page.getByLabel('Otsikko').fill(title);
    await drawPolygon(page);
    // The preview follows the drawing: every address of the town, and the two residents' phones.
    await page.locator('[data-figure="addresses"]').getByText('42').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-figure="sms"]').textContent()).toBe('2');
    await expectAccessible(page);
    await screenshot(page, `console-new-incident-${viewport.width}`);
    await page.getByRole('button', { name: 'Tallenna häiriö' }).click();

    await page.getByRole('heading', { name: title }).waitFor();
    await page.getByRole('button', { name: 'Käytä mallipohjaa' }).click();
    expect(await page.locator('.sms-counter').first().getAttribute('data-encoding')).toBe('GSM-7');
    await page.getByRole('button', { name: 'Lähetä', exact: true }).click();
    await page.locator('.delivery[data-percent="100"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.delivery [data-state="delivered"]').textContent()).toBe('2');
    await page.getByRole('button', { name: 'Julkaise julkisella kartalla' }).click();
    await page.getByRole('button', { name: 'Poista julkiselta kartalta' }).waitFor();
    if (viewport === DESKTOP) {
      // A resident texts back (as an SMS provider hands it over): the reply is listed on the incident.
      await page.getByText('Ei vastauksia vielä.').waitFor();
      expect(
        await suite.server.context.dispatch.replies.receive({
          provider: 'inbox',
          from: '+358401234567',
          to: 'MantanVesi',
          text: 'Milloin vesi palaa?',
          receivedAt: Date.now(),
        }),
      ).toBe(true);
      await page.reload();
      await page.locator('.sms-reply', { hasText: 'Milloin vesi palaa?' }).getByText('+358401234567').waitFor();
    }
    await expectAccessible(page);
    await screenshot(page, `console-incident-${viewport.width}`);
    expectNoProblems(watched);

    // The residents' phones have the notice.
    const inbox = (await (await fetch(`${suite.server.url}/api/dev/inbox?to=%2B358401234567`)).json()) as {
      items: { text: string }[];
    };
    expect(inbox.items.at(-1)?.text).toContain('on katkaistu alueellanne');
    await watched.context.close();
  };
}

function publicMapShows(viewport: Viewport, title: string) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    await page.goto(`/t/${suite.tenant.slug}/map`);
    await page.getByRole('button', { name: title }).waitFor();
    // The service area and the incident's area are drawn, with no tiles.
    await page.waitForSelector('.leaflet-overlay-pane path >> nth=1');
    expect(await page.locator('.leaflet-tile').count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, `public-map-${viewport.width}`);
    await page.getByLabel('Postinumero').fill('35800');
    await page.getByLabel('Katuosoite').fill('Koulukatu');
    await page.getByLabel('Talon numero').fill('5');
    await page.getByLabel('Koulukatu 5, 35800 Mänttä').check();
    await page.getByRole('button', { name: 'Tarkista' }).click();
    await page.getByText('Kyllä: Koulukatu 5, 35800 Mänttä on häiriöalueella.').waitFor();
    await expectAccessible(page);
    await screenshot(page, `public-map-check-${viewport.width}`);
    expectNoProblems(watched);
    await watched.context.close();
  };
}

describe('operator console and public map', () => {
  let oneTimePassword: string | undefined;
  beforeAll(async () => {
    await suite.server.context.tenants.updateSettings(suite.tenant, { requireTotp: true });
    const created = await suite.server.context.operators.createOperator(
      suite.tenant,
      { email: OPERATOR.email, role: 'operator' },
      null,
    );
    oneTimePassword = created.oneTimePassword;
    await suite.server.context.dispatch.runtime.startWorkers({ concurrency: 2, sweepMs: 200 });
  });

  it(
    'an operator sets up the account, draws a polygon, sees the count, sends and watches delivery reach 100 % (desktop)',
    operatorFlow(DESKTOP, () => oneTimePassword, 'Vesikatko keskustassa'),
    120_000,
  );
  it(
    'the public map shows the incident and the address check finds it (desktop)',
    publicMapShows(DESKTOP, 'Vesikatko keskustassa'),
    60_000,
  );
  it(
    'the same at 360 px: log in with password and TOTP, draw, send, follow',
    operatorFlow(PHONE, () => undefined, 'Kaukolämpökatko'),
    120_000,
  );
  it('the public map at 360 px', publicMapShows(PHONE, 'Kaukolämpökatko'), 60_000);
});
