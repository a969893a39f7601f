/**
 * The portal in the resident's language, and a login that survives reload, Back and Forward: the page
 * language follows the remembered choice, then `?lang=`, then the browser's languages, then the
 * tenant's first language; every refusal is shown in the page's language (by its problem code), and
 * no English sentence appears on the Finnish or Swedish pages at any step. The landing page lists the
 * tenants once there is more than one.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/locales/en.js';
import { fi } from '../../web/src/locales/fi.js';
import { sv } from '../../web/src/locales/sv.js';
import { DESKTOP, openPage, PHONE, screenshot, type Viewport, type WatchedPage } from './browser.js';
import { buildTown } from './fixtures.js';
import { englishOnPage, readPinFromInbox } from './portal-helpers.js';
import { browserSuite, expectAccessible, expectNoProblems, overflowingText } from './suite.js';

const suite = browserSuite();
const portal = () => `/t/${suite.tenant.slug}`;
type Texts = typeof fi;

/** Opens the portal with the browser speaking `locale`, at `path`, and waits for its login heading in `texts`. */
async function openPortal(
  locale: string,
  path: string,
  texts: Texts,
  viewport: Viewport = DESKTOP,
): Promise<WatchedPage> {
  const watched = await openPage(suite.browser, suite.server.url, viewport, locale);
  await watched.page.goto(path);
  await watched.page.getByRole('heading', { name: texts.portal.login.heading }).waitFor();
  return watched;
}

describe('page language', () => {
  it("is the remembered choice, else ?lang=, else the browser's, else the tenant's first", async () => {
    const cases: Array<[string, string, Texts, string]> = [
      ['sv-SE', portal(), sv, 'sv'],
      ['fi-FI', `${portal()}?lang=sv`, sv, 'sv'],
      ['fi-FI', `${portal()}?lang=en`, en as Texts, 'en'],
      ['de-DE', portal(), fi, 'fi'],
      ['en-US', `${portal()}?lang=de`, en as Texts, 'en'],
    ];
    for (const [locale, path, texts, lang] of cases) {
      const watched = await openPortal(locale, path, texts);
      expect(await watched.page.getAttribute('html', 'lang'), `${locale} ${path}`).toBe(lang);
      // The scan for English sentences finds them where they are: on the English page.
      if (lang === 'en') expect(await englishOnPage(watched)).toContain(en.portal.login.heading);
      await watched.context.close();
    }
    // A choice made on the page wins over the link's ?lang= and the browser afterwards.
    const watched = await openPortal('sv-SE', portal(), sv);
    await watched.page.selectOption('#language-select', 'fi');
    await watched.page.getByRole('heading', { name: fi.portal.login.heading }).waitFor();
    await watched.page.goto(`${portal()}?lang=sv`);
    await watched.page.getByRole('heading', { name: fi.portal.login.heading }).waitFor();
    expect(await watched.page.getAttribute('html', 'lang')).toBe('fi');
    await watched.context.close();
  }, 90_000);
});

/** The resident's login and registration, in `texts`' language, with reload, Back and Forward at the PIN step. */
interface Street {
  typed: string;
  shown: string;
}

interface BirthDate {
  typed: string;
  shown: string;
  impossible: string;
}

function residentFlow(
  name: string,
  locale: string,
  path: () => string,
  texts: Texts,
  phone: string,
  e164: string,
  birthDate: BirthDate,
  street: Street,
  viewport: Viewport,
) {
  it(`${name}: every step and every refusal in the page's language, the PIN step surviving reload and Back`, async () => {
    const watched = await openPortal(locale, path(), texts, viewport);
    const { page } = watched;
    // On a Finnish or Swedish page, no English sentence at any step (the English page is all English).
    const noEnglish = async (step: string) => {
      if (texts !== (en as Texts)) expect(await englishOnPage(watched), step).toEqual([]);
    };
    await noEnglish('login');

    // A refused number: the field says why, in the page's language.
    await page.getByLabel(texts.portal.login.phoneLabel).fill('abc');
    await page.getByRole('button', { name: texts.portal.login.sendPin }).click();
    await page.getByText(texts.problems['phone-format']).waitFor();
    await noEnglish('refused number');

    await page.getByLabel(texts.portal.login.phoneLabel).fill(phone);
    await page.getByRole('button', { name: texts.portal.login.sendPin }).click();
    const pinHeading = page.getByRole('heading', { name: texts.portal.login.pinLabel });
    await pinHeading.waitFor();
    await page.getByText(texts.portal.login.pinSent.replace('{{to}}', phone)).waitFor();
    expect(page.url()).toMatch(/#pin$/);
    const pin = await readPinFromInbox(watched, e164);

    // Reload: still the PIN step, with the resend countdown.
    await page.reload();
    await pinHeading.waitFor();
    await page.getByText(texts.portal.login.resendIn.split('{{')[0]!).waitFor();
    await expectAccessible(page);

    // A wrong PIN is refused in the page's language.
    await page.getByLabel(texts.portal.login.pinLabel).fill(pin.replace(/^./, (d) => String((Number(d) + 1) % 10)));
    await page.getByRole('button', { name: texts.portal.login.logIn, exact: true }).click();
    await page.getByText(texts.problems['pin-rejected']).waitFor();
    await noEnglish('wrong PIN');

    // Back: the number again, in the portal; Forward: the PIN step.
    await page.goBack();
    await page.getByRole('heading', { name: texts.portal.login.heading }).waitFor();
    expect(await page.getByLabel(texts.portal.login.phoneLabel).inputValue()).toBe(phone);
    expect(new URL(page.url()).pathname).toBe(portal());
    await page.goForward();
    await pinHeading.waitFor();
    // Back again, and to the PIN step by the way the page offers while the PIN lives.
    await page.goBack();
    await page.getByRole('button', { name: texts.portal.login.havePin.replace('{{to}}', phone) }).click();
    await pinHeading.waitFor();
    expect(page.url()).toMatch(/#pin$/);

    await page.getByLabel(texts.portal.login.pinLabel).fill(pin);
    await page.getByRole('button', { name: texts.portal.login.logIn, exact: true }).click();
    await page.getByRole('heading', { name: texts.portal.register.heading }).waitFor();
    expect(page.url()).not.toContain('#pin');

    // The birth date as people write it here; an impossible one is refused in the page's language.
    await page.getByLabel(texts.portal.register.firstName).fill('Alva');
    await page.getByLabel(texts.portal.register.lastName).fill('Lindqvist');
    await page.getByLabel(texts.portal.register.birthDate).fill(birthDate.impossible);
    await page.getByRole('button', { name: texts.portal.register.submit }).click();
    await page.getByText(texts.problems['date-not-exist']).waitFor();
    await noEnglish('impossible birth date');
    await page.getByLabel(texts.portal.register.birthDate).fill(birthDate.typed);
    await page.getByRole('button', { name: texts.portal.register.submit }).click();
    await page.getByRole('heading', { name: texts.portal.me.heading }).waitFor();
    await page.getByText(`${texts.portal.register.birthDate}: ${birthDate.shown}`).waitFor();
    await noEnglish('my details');
    await expectAccessible(page);

    // An address found and shown by its street name in the page's language.
    const form = page.locator('form[aria-labelledby="add-address-heading"]');
    await form.getByLabel(texts.common.address.postalCode).fill('35800');
    await form.getByLabel(texts.common.address.street).fill(street.typed);
    await form.getByLabel(texts.common.address.number).fill('5');
    await form.getByLabel(`${street.shown} 5, 35800 Mänttä`, { exact: false }).check();
    await form.getByRole('button', { name: texts.portal.addresses.submit }).click();
    await page.locator('.my-address').getByText(`${street.shown} 5, 35800 Mänttä`).waitFor();

    // Removing the only number warns first; after it, the address says no notice can reach it.
    await page.locator(`[data-endpoint="${e164}"]`).getByRole('button', { name: texts.common.remove }).click();
    await page.getByText(texts.portal.endpoints.removeLastConfirm.replace('{{value}}', e164)).waitFor();
    await page.getByRole('group').getByRole('button', { name: texts.common.yes }).click();
    await page.getByText(texts.portal.endpoints.unreachable).waitFor();
    await page.locator('.my-address').getByText(texts.portal.addresses.unreachable).waitFor();
    await noEnglish('no number left');
    expect(await overflowingText(page)).toEqual([]);
    await expectAccessible(page);
    await screenshot(page, `portal-${name.split(' ')[0]!.toLowerCase()}-${viewport.width}`);
    expectNoProblems(watched, { allowNotLoggedIn: true, allowRefused: true });
    await watched.context.close();
  }, 90_000);
}

describe('resident flow', () => {
  residentFlow(
    'Swedish by the browser',
    'sv-SE',
    portal,
    sv,
    '040 111 2233',
    '+358401112233',
    { typed: '1980-02-01', shown: '1980-02-01', impossible: '1980-02-31' },
    { typed: 'Skolg', shown: 'Skolgatan' },
    DESKTOP,
  );
  residentFlow(
    'English by ?lang=en',
    'fi-FI',
    () => `${portal()}?lang=en`,
    en as Texts,
    '040 111 6677',
    '+358401116677',
    { typed: '1.2.1980', shown: '01/02/1980', impossible: '31.2.1980' },
    { typed: 'Koul', shown: 'Koulukatu' },
    DESKTOP,
  );
  residentFlow(
    'Finnish by ?lang=fi at 360 px',
    'en-US',
    () => `${portal()}?lang=fi`,
    fi,
    '040 111 4455',
    '+358401114455',
    { typed: '1.2.1980', shown: '1.2.1980', impossible: '31.2.1980' },
    { typed: 'Skolg', shown: 'Koulukatu' },
    PHONE,
  );
});

describe('landing page', () => {
  it("lists the tenants with their service areas, in the browser's language, with no English", async () => {
    await buildTown(suite.server.context, 'kaukolampo', 'Mäntän Kaukolämpö');
    const watched = await openPage(suite.browser, suite.server.url, PHONE, 'sv-SE');
    const { page } = watched;
    await page.goto('/');
    await page.getByRole('heading', { name: sv.landing.title }).waitFor();
    await page.locator('[data-tenant="kaukolampo"] svg path').waitFor();
    expect(await page.locator('.tenant-card').count()).toBe(2);
    expect(await englishOnPage(watched)).toEqual([]);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    expect(await overflowingText(page)).toEqual([]);
    await expectAccessible(page);
    await screenshot(page, 'landing-360');
    await page.getByRole('link', { name: 'Mäntän Kaukolämpö' }).click();
    await page.getByRole('heading', { name: sv.portal.login.heading }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/t/kaukolampo');
    expectNoProblems(watched, { allowNotLoggedIn: true });
    await watched.context.close();
  });
});
