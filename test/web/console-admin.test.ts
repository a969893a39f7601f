/**
 * The console's admin pages in a real browser: the population register upload (dry run, then the
 * import, with its counts and report), operator accounts and API tokens, the audit log, the residents
 * search (notices off and on), the settings (a saved change) and the links to give out — each page
 * checked with axe-core, at desktop width and at 360 px.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, DESKTOP, openPage, PHONE, screenshot, type Viewport } from './browser.js';
import { browserSuite, expectAccessible, expectNoProblems, overflowingText, submitConsoleLogin } from './suite.js';

const ADMIN = { email: 'paakayttaja@mantanvesi.fi', password: 'hallinta-salasana-2025' };

const REGISTER = [
  'person_id,first_name,last_name,birth_date,street,number,postal_code,postal_town,mobile,landline,language,protected',
  'p1,Aino,Aalto,1950-03-01,Koulukatu,3,35800,Mänttä,0401110001,,fi,0',
  'p2,Bo,Berg,19800512,Skolgatan,4,35800,Mänttä,0401110002,,sv,0',
  'p3,Salainen,Henkilö,1970-01-01,Koulukatu,6,35800,Mänttä,0401110003,,fi,1',
  'p4,Eero,Etsijä,1990-01-01,Olematon katu,1,35800,Mänttä,0401110004,,fi,0',
].join('\n');

const suite = browserSuite({
  setUp: async ({ server, tenant }) =>
    void (await server.context.operators.createOperator(
      tenant,
      { email: ADMIN.email, role: 'admin', password: ADMIN.password },
      null,
    )),
});

async function logIn(page: Page): Promise<void> {
  await submitConsoleLogin(page, suite.tenant.slug, ADMIN.email, ADMIN.password);
  await page.getByRole('heading', { name: 'Häiriöt' }).waitFor();
}

/** Opens a page of the console from its navigation (a menu link at any width). */
async function open(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: link }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

function adminPages(viewport: Viewport) {
  return async () => {
    const watched = await openPage(suite.browser, suite.server.url, viewport);
    const { page } = watched;
    await logIn(page);

    await open(page, 'Rekisterin tuonti', 'Väestötietojen tuonti');
    const file = join(ARTIFACTS, 'register-sample.csv');
    writeFileSync(file, REGISTER);
    await page.getByLabel('Rekisteritiedosto (CSV)').setInputFiles(file);
    await page.getByRole('button', { name: 'Tuo' }).click();
    await page.locator('[data-status="done"]').waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'Raportti (koeajo)' }).waitFor();
    // The report's reasons in the page's language, not the server's English.
    await page
      .getByRole('cell', { name: 'osoitetta ei löydy: postinumeroalueella 35800 ei ole tätä katua', exact: true })
      .waitFor();
    expect(await page.locator('[data-count="rows"]').textContent()).toBe('4');
    expect(await page.locator('[data-count="protected"]').textContent()).toBe('1');
    await expectAccessible(page);
    // Now for real: the two persons whose addresses match are added (the second run finds them there).
    await page.getByLabel('Koeajo: näytä muutokset tallentamatta').uncheck();
    await page.getByRole('button', { name: 'Tuo' }).click();
    await page.getByRole('heading', { name: 'Raportti', exact: true }).waitFor();
    await page.locator('[data-status="done"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-count="protected"]').textContent()).toBe('1');
    expect(await overflowingText(page)).toEqual([]);
    await screenshot(page, `console-import-${viewport.width}`);

    await open(page, 'Operaattorit', 'Operaattorit');
    await page.getByLabel('Sähköposti').fill(`uusi${viewport.width}@mantanvesi.fi`);
    await page.getByRole('button', { name: 'Lisää operaattori' }).click();
    await page.getByText('Anna hänelle tämä kertakäyttöinen salasana').waitFor();
    await page.getByLabel('Integraation nimi').fill('Vikailmoitusjärjestelmä');
    await page.getByRole('button', { name: 'Luo avain' }).click();
    await page.getByText('Avain (näytetään vain nyt)').waitFor();
    await expectAccessible(page);

    await open(page, 'Tapahtumaloki', 'Tapahtumaloki');
    // For people: the action in words, the operator by name or email, the raw entry only behind "Näytä".
    const created = page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'lisäsi käyttäjän', exact: true }) })
      .first();
    await created.waitFor();
    await created.getByRole('cell', { name: ADMIN.email }).waitFor();
    expect(await created.locator('code.audit-detail').isVisible()).toBe(false);
    await created.getByText('Näytä').click();
    expect(await created.locator('code.audit-detail').isVisible()).toBe(true);
    await expectAccessible(page);

    // Residents search (by name, by number in national form), an address's notices off and on again.
    await open(page, 'Asukkaat', 'Asukkaat');
    const query = page.getByLabel('Nimi, puhelinnumero, sähköposti tai osoite');
    await query.fill('aalto');
    await page.getByRole('button', { name: 'Hae', exact: true }).click();
    await page.getByRole('cell', { name: 'Aino Aalto', exact: true }).waitFor();
    expect(await page.getByRole('cell', { name: '+358401110001', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Poista tiedotteet käytöstä: Koulukatu 3, 35800 Mänttä' }).click();
    await page.getByRole('button', { name: 'Ota tiedotteet käyttöön: Koulukatu 3, 35800 Mänttä' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Ota tiedotteet käyttöön: Koulukatu 3, 35800 Mänttä' }).click();
    await page.getByRole('button', { name: 'Poista tiedotteet käytöstä: Koulukatu 3, 35800 Mänttä' }).waitFor();
    await query.fill('040 111 0002');
    await page.getByRole('button', { name: 'Hae', exact: true }).click();
    await page.getByRole('cell', { name: 'Bo Berg', exact: true }).waitFor();
    await screenshot(page, `console-residents-${viewport.width}`);

    await open(page, 'Asetukset', 'Asetukset');
    expect(
      await page.getByRole('link', { name: `${suite.server.url}/t/${suite.tenant.slug}`, exact: true }).count(),
    ).toBe(1);
    await expectAccessible(page);
    // The country of phone numbers: unset, the service area's (Mänttä: Finland), which the hint names.
    await page.getByText(/palvelualueen maa \(nyt FI\)/).waitFor();
    expect(await page.getByLabel('Puhelinnumeroiden maa').inputValue()).toBe('');
    // The settings form: a new PIN length, languages and the approval rule are saved and in effect.
    await page.getByLabel('PIN-koodin pituus').fill('5');
    await page.getByLabel('Kielet (tärkeysjärjestyksessä)').fill('fi, sv, en');
    await page.getByLabel('Toinen operaattori hyväksyy jokaisen lähetyksen').check();
    await page.getByLabel('Näytä palvelu tämän Avison etusivun luettelossa').uncheck();
    // Retention: the defaults shown, a shorter period for replies saved.
    expect(await page.getByLabel('Toimitukset ja vastaanottajat (kuukautta)').inputValue()).toBe('13');
    await page.getByLabel('Asukkaiden tekstiviestivastaukset (kuukautta)').fill('6');
    await page.getByRole('button', { name: 'Tallenna', exact: true }).click();
    await page.getByText('Asetukset tallennettiin.').waitFor();
    const saved = await suite.server.context.tenants.findTenant(suite.tenant.slug);
    expect(saved?.settings.pinLength).toBe(5);
    expect(saved?.languages).toEqual(['fi', 'sv', 'en']);
    expect(saved?.settings.requireApproval).toBe(true);
    expect(saved?.settings.country).toBeNull();
    expect(saved?.settings.listed).toBe(false);
    expect(saved?.settings.repliesRetentionMonths).toBe(6);
    expect(saved?.settings.retentionMonths).toBe(13);
    await expectAccessible(page);
    expectNoProblems(watched);
    await watched.context.close();
  };
}

/** A KML polygon around the town centre (lon,lat pairs, closed ring). */
const KML = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Keskusta</name><Polygon><outerBoundaryIs><LinearRing>
<coordinates>24.60,62.02 24.64,62.02 24.64,62.04 24.60,62.04 24.60,62.02</coordinates>
</LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;

describe('drawing tools', () => {
  it('takes the area from a KML upload and from a circle dragged on the map, the counts following', async () => {
    const watched = await openPage(suite.browser, suite.server.url, DESKTOP);
    const { page } = watched;
    await logIn(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Uusi häiriö' }).click();
    await page.getByLabel('Otsikko').fill('Putkityö');

    const file = join(ARTIFACTS, 'area.kml');
    writeFileSync(file, KML);
    await page.getByLabel('Lataa GeoJSON- tai KML-tiedosto').setInputFiles(file);
    await page.locator('[data-figure="addresses"]').getByText('42').waitFor({ timeout: 15_000 });

    // Replace it with a small circle dragged from the middle of the map: fewer addresses.
    await page.getByRole('button', { name: 'Poista kaikki' }).click();
    await page.getByRole('button', { name: 'Ympyrä' }).click();
    const map = page.locator('.area-editor .map');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.click(cx, cy);
    await page.mouse.move(cx + 30, cy, { steps: 5 });
    await page.mouse.click(cx + 30, cy);
    const addresses = page.locator('[data-figure="addresses"]');
    await expect.poll(async () => Number(await addresses.textContent()), { timeout: 15_000 }).toBeLessThan(42);
    expect(Number(await addresses.textContent())).toBeGreaterThan(0);
    expect(await page.locator('.area-editor .map').getAttribute('data-shapes')).toBe('1');
    await expectAccessible(page);
    expectNoProblems(watched);
    await watched.context.close();
  }, 60_000);
});

describe('console admin pages', () => {
  it(
    'register import (dry run and import), operators, tokens, audit log, residents, settings (desktop)',
    adminPages(DESKTOP),
    90_000,
  );
  it('the same at 360 px', adminPages(PHONE), 90_000);
});
