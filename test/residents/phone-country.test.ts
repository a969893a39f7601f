/**
 * Phone numbers are read in the country the tenant lies in, not in that of its first language: a
 * Swedish-speaking town in Finland (Närpes) reads `040 123 4567` as a Finnish mobile, not as a Malmö
 * landline to call with the PIN. The country follows the service area unless set; Åland's numbers are
 * Finnish; a number written with another country's prefix keeps it; the resident sees the number as it
 * was understood before a PIN goes out; the register import and a national sender follow the same country.
 */
import { expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { countryOfArea } from '../../src/modules/tenants/tenant.country.js';
import { areaBBox } from '../../src/lib/geo.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase, type TestApp } from '../app.js';
import { tokenHeaders } from '../dispatch/fixtures.js';
import { AVISO_HEADER, buildTenant, importCsv, square } from '../factories.js';
import { importRows, keyOf, row, storedPersons } from '../register/register-helpers.js';
import { inboxFor, requestPin } from './resident-client.js';

const NARPES = square(21.34, 62.47, 0.08);
const MARIEHAMN = square(19.94, 60.1, 0.05);
const MALMO = square(13.0, 55.6, 0.05);
const MANTTA = square(24.62, 62.03, 0.1);
const KORSHOLM = square(21.7, 63.1, 0.1);
const RASEBORG = square(23.43, 59.98, 0.1);
const STOCKHOLM = square(18.07, 59.33, 0.1);
const HAPARANDA = square(24.0, 65.9, 0.05);
const TORNIO = square(24.3, 65.9, 0.03);

let counter = 0;
/** Distinct numbers per call so that the per-number PIN limits never meet. */
const unique = () => String(1000 + (counter++ % 9000));

const town = (context: Context, serviceArea: typeof NARPES, languages: Array<'fi' | 'sv'>, smsSender?: string) =>
  buildTenant(context, { serviceArea, languages, ...(smsSender ? { smsSender } : {}) });

const understood = (t: TestApp, tenant: Tenant, phone: string) =>
  t.app.inject({ method: 'POST', url: `/api/t/${tenant.slug}/login/phone`, payload: { phone } });

it('takes the country from the service area: Närpes, Korsholm, Raseborg and Åland in Finland, Malmö, Stockholm and Haparanda in Sweden', () => {
  for (const area of [NARPES, KORSHOLM, RASEBORG, MARIEHAMN, MANTTA, TORNIO])
    expect(countryOfArea(areaBBox(area))).toBe('FI');
  for (const area of [MALMO, STOCKHOLM, HAPARANDA]) expect(countryOfArea(areaBBox(area))).toBe('SE');
  expect(countryOfArea(areaBBox(square(2.35, 48.85, 0.1)))).toBeNull();
});

describeEachDatabase('phone numbers by country', (t) => {
  it('reads 040 as a Finnish mobile in a Swedish-first town in Finland, and sends the PIN there by SMS', async () => {
    const { app, context } = t();
    const narpes = await town(context, NARPES, ['sv', 'fi']);
    const phone = `040 123 ${unique()}`;
    const answer = await understood(t(), narpes, phone);
    expect(answer.statusCode, answer.body).toBe(200);
    const e164 = `+35840123${phone.slice(-4)}`;
    expect(answer.json()).toEqual({
      number: e164,
      formatted: `+358 40 123${phone.slice(-4)}`,
      country: 'FI',
      type: 'mobile',
      channel: 'sms',
    });
    const asked = await requestPin(app, narpes.slug, { phone });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json().channel).toBe('sms');
    expect((await inboxFor(app, e164)).map((m) => m.channel)).toEqual(['sms']);
    expect(await inboxFor(app, `+4640123${phone.slice(-4)}`)).toEqual([]);
    const settings = await app.inject({
      url: `/api/t/${narpes.slug}/settings`,
      headers: await tokenHeaders(context, narpes, 'viewer'),
    });
    expect(settings.json()).toMatchObject({ country: null, countryInEffect: 'FI' });
  });

  it('reads national numbers as Swedish in Sweden: 070 a mobile, 040 a Malmö landline called by voice', async () => {
    const { context } = t();
    const malmo = await town(context, MALMO, ['sv']);
    expect((await understood(t(), malmo, '070-123 45 67')).json()).toMatchObject({
      number: '+46701234567',
      country: 'SE',
      type: 'mobile',
      channel: 'sms',
    });
    const landline = `040 123 ${unique()}`;
    expect((await understood(t(), malmo, landline)).json()).toMatchObject({
      number: `+4640123${landline.slice(-4)}`,
      country: 'SE',
      type: 'landline',
      channel: 'voice',
    });
    // A Finnish-first tenant in Sweden reads them as Swedish too.
    const finnishFirst = await town(context, STOCKHOLM, ['fi', 'sv']);
    expect((await understood(t(), finnishFirst, '070-123 45 67')).json()).toMatchObject({
      number: '+46701234567',
      country: 'SE',
    });
  });

  it("takes Åland's 018 numbers as Finnish: in an Åland town and in a mainland one", async () => {
    const { context } = t();
    const mariehamn = await town(context, MARIEHAMN, ['sv']);
    expect((await understood(t(), mariehamn, '018 123 456')).json()).toEqual({
      number: '+35818123456',
      formatted: '+358 18 123456',
      country: 'AX',
      type: 'landline',
      channel: 'voice',
    });
    expect((await understood(t(), mariehamn, '0457 123 4567')).json()).toMatchObject({
      number: '+3584571234567',
      country: 'FI',
      type: 'mobile',
    });
    const mantta = await town(context, MANTTA, ['fi', 'sv']);
    expect((await understood(t(), mantta, '018 123 456')).json()).toMatchObject({
      number: '+35818123456',
      country: 'AX',
    });
  });

  it('keeps the country of a number written with its own prefix: refused where foreign numbers are, taken where they are allowed', async () => {
    const { context } = t();
    const narpes = await town(context, NARPES, ['sv', 'fi']);
    const refused = await understood(t(), narpes, '+46 70 123 45 67');
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'phone-not-allowed', errors: [{ field: 'phone' }] });
    const nordic = await context.tenants.updateSettings(narpes, { phoneCountries: ['FI', 'SE'] });
    expect((await understood(t(), nordic, '+46 70 123 45 67')).json()).toMatchObject({
      number: '+46701234567',
      country: 'SE',
      type: 'mobile',
    });
    expect((await understood(t(), nordic, '040 123 4567')).json()).toMatchObject({
      number: '+358401234567',
      country: 'FI',
    });
  });

  it('follows the country setting over the service area', async () => {
    const { app, context } = t();
    const narpes = await town(context, NARPES, ['sv', 'fi']);
    const admin = await tokenHeaders(context, narpes, 'admin');
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/t/${narpes.slug}/settings`,
      headers: admin,
      payload: { country: 'SE' },
    });
    expect(changed.json()).toMatchObject({ country: 'SE', countryInEffect: 'SE' });
    expect(
      (await understood(t(), { ...narpes, settings: { ...narpes.settings, country: 'SE' } }, '070-123 45 67')).json(),
    ).toMatchObject({ number: '+46701234567' });
    const refused = await understood(t(), narpes, 'not a number');
    expect(refused.json()).toMatchObject({ errors: [{ field: 'phone' }] });
  });

  it("reads the register's national numbers in the tenant's country", async () => {
    const { context } = t();
    const narpes = await town(context, NARPES, ['sv', 'fi']);
    await importCsv(context, narpes, [AVISO_HEADER, 'n1,Närpesvägen,,1,64200,Närpes,Närpes,,,62.47,21.34']);
    const report = await importRows(context, narpes, [
      row({
        person_id: 'p-1',
        street: 'Närpesvägen',
        number: '1',
        postal_code: '64200',
        postal_town: 'Närpes',
        mobile: '040 765 4321',
        landline: '018 123 456',
        language: 'sv',
      }),
    ]);
    expect(report).toMatchObject({ added: 1 });
    const [person] = (await storedPersons(context, narpes.id)).get(keyOf(context, 'p-1'))!;
    expect(person!.phones.map((p) => [p.type, p.value])).toEqual([
      ['landline', '+35818123456'],
      ['mobile', '+358407654321'],
    ]);
  });

  it('sends from a national sender number in its E.164 form', async () => {
    const { app, context } = t();
    const narpes = await town(context, NARPES, ['sv', 'fi'], '0401234567');
    const phone = `040 222 ${unique()}`;
    expect((await requestPin(app, narpes.slug, { phone })).statusCode).toBe(202);
    const [sms] = await inboxFor(app, `+35840222${phone.slice(-4)}`);
    expect(sms!.from).toBe('+358401234567');
  });
});
