/**
 * SMS and voice pumping (toll fraud): a bot with many source addresses asks for PINs to numbers it is
 * paid for. The tenant's number rules refuse premium and foreign ranges; the tenant's and the global
 * budgets cap what is sent whatever the number of addresses, voice first; a resident adding numbers
 * spends the same budgets; operators see the counts.
 */
import { expect, it } from 'vitest';
import { sizedPinBudget } from '../../src/modules/auth/pin.service.js';
import { describeEachDatabase, type TestApp } from '../app.js';
import { tokenHeaders } from '../dispatch/fixtures.js';
import { buildTown, logIn, requestPin, type InjectAnswer } from '../residents/resident-client.js';
import { nextPhone } from './phones.js';

/** Distinct Finnish landlines (Helsinki, 09 + 8 digits). */
let nextLandline = 40_000_000 + Math.floor(Math.random() * 10_000_000);
const landline = () => `09${nextLandline++}`;

const SOURCES = Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 1}`);

async function inboxCount(t: TestApp, channel: string): Promise<number> {
  const items = (await t.app.inject({ url: '/api/dev/inbox' })).json().items as Array<{ channel: string }>;
  return items.filter((i) => i.channel === channel).length;
}

const statuses = (answers: InjectAnswer[]) =>
  answers.map((a) => (a.statusCode === 202 ? 202 : `${a.statusCode} ${a.json().code}`));
const countOf = (list: unknown[], value: unknown) => list.filter((v) => v === value).length;

describeEachDatabase('SMS and voice pumping', (t) => {
  it('refuses premium, shared-cost, satellite and foreign numbers from every address, sending nothing', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const numbers = [
      '+979 123456789',
      '+1 900 555 0123',
      '+44 909 879 0000',
      '0600 123 456',
      '0700 123 456',
      '+46 900 123 456 7',
      '+7 912 345 6789',
      '+234 803 123 4567',
      '+882 16 1234 5678',
      '+883 5100 1234 5678',
    ];
    const answers = await Promise.all(
      SOURCES.flatMap((ip) => numbers.map((phone) => requestPin(app, tenant.slug, { phone }, ip))),
    );
    expect(new Set(statuses(answers))).toEqual(new Set(['400 phone-not-allowed']));
    expect(answers[0]!.json().errors[0].field).toBe('phone');
    expect((await inboxCount(t(), 'sms')) + (await inboxCount(t(), 'voice'))).toBe(0);
  });

  it('holds the tenant budget from 20 addresses at once, stopping voice calls first', async () => {
    const { app, context } = t();
    const tenant = await context.tenants.updateSettings(await buildTown(context), {
      pinsPerTenantPerHour: 40,
      voicePinBudgetPercent: 50,
    });
    const sms0 = await inboxCount(t(), 'sms');
    const voice0 = await inboxCount(t(), 'voice');
    // Two landlines from each of 20 addresses: the voice share (20 of 40) goes out, the rest is refused.
    const calls = statuses(
      await Promise.all(
        SOURCES.flatMap((ip) => [landline(), landline()].map((phone) => requestPin(app, tenant.slug, { phone }, ip))),
      ),
    );
    expect(countOf(calls, 202)).toBe(20);
    expect(countOf(calls, '429 pin-budget-spent')).toBe(20);
    // Three mobiles from each: the rest of the budget (20) goes out, by SMS; a landline is still refused.
    const texts = statuses(
      await Promise.all(
        SOURCES.flatMap((ip) => [1, 2, 3].map(() => requestPin(app, tenant.slug, { phone: nextPhone().national }, ip))),
      ),
    );
    expect(countOf(texts, 202)).toBe(20);
    expect(countOf(texts, '429 pin-budget-spent')).toBe(40);
    expect((await requestPin(app, tenant.slug, { phone: landline() }, '198.51.100.99')).json().code).toBe(
      'pin-budget-spent',
    );
    expect((await inboxCount(t(), 'voice')) - voice0).toBe(20);
    expect((await inboxCount(t(), 'sms')) - sms0).toBe(20);
    // Email PINs cost nothing and are not held to the budget.
    expect((await requestPin(app, tenant.slug, { email: 'anna@example.fi' }, '198.51.100.99')).statusCode).toBe(202);

    const viewer = await tokenHeaders(context, tenant, 'viewer');
    const budget = await app.inject({ url: `/api/t/${tenant.slug}/pin-budget`, headers: viewer });
    expect(budget.json()).toMatchObject({
      tenant: { hour: { count: 40, limit: 40 }, day: { count: 40, limit: 250 } },
      voicePaused: true,
      alert: true,
    });
    expect((await app.inject({ url: `/api/t/${tenant.slug}/pin-budget` })).statusCode).toBe(401);
  });

  it('sizes the budgets of a tenant that has not set them by its addresses; a set budget is kept', async () => {
    expect(sizedPinBudget(0)).toEqual({ perHour: 50, perDay: 250 });
    expect(sizedPinBudget(5_000)).toEqual({ perHour: 200, perDay: 1_000 });
    expect(sizedPinBudget(40_000)).toEqual({ perHour: 1_600, perDay: 8_000 });
    expect(sizedPinBudget(10_000_000)).toEqual({ perHour: 5_000, perDay: 25_000 });
    const { app, context } = t();
    const tenant = await buildTown(context);
    const admin = await tokenHeaders(context, tenant, 'admin');
    const limits = async () => {
      const budget = (await app.inject({ url: `/api/t/${tenant.slug}/pin-budget`, headers: admin })).json();
      return [budget.tenant.hour.limit, budget.tenant.day.limit];
    };
    const settings = (payload: object) =>
      app.inject({ method: 'PATCH', url: `/api/t/${tenant.slug}/settings`, headers: admin, payload });
    // A town of a few addresses: the floor.
    expect(await limits()).toEqual([50, 250]);
    expect((await settings({ pinsPerTenantPerHour: 120 })).json().pinsPerTenantPerHour).toBe(120);
    expect(await limits()).toEqual([120, 250]);
    const back = await settings({ pinsPerTenantPerHour: null });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().pinsPerTenantPerHour).toBeNull();
    expect(await limits()).toEqual([50, 250]);
  });

  it('holds the daily budget across hours, and opens again the next day', async () => {
    const { app, context, clock } = t();
    clock.set(Date.UTC(2026, 0, 10, 6));
    const tenant = await context.tenants.updateSettings(await buildTown(context), {
      pinsPerTenantPerHour: 3,
      pinsPerTenantPerDay: 5,
    });
    const ask = (ip: string) => requestPin(app, tenant.slug, { phone: nextPhone().national }, ip);
    const askEach = async (ips: string[]) => {
      const answers = [];
      for (const ip of ips) answers.push(await ask(ip));
      return statuses(answers);
    };
    expect(await askEach(SOURCES.slice(0, 4))).toEqual([202, 202, 202, '429 pin-budget-spent']);
    clock.advance(3_600_000);
    expect(await askEach(SOURCES.slice(4, 8))).toEqual([202, 202, '429 pin-budget-spent', '429 pin-budget-spent']);
    clock.advance(24 * 3_600_000);
    expect((await ask(SOURCES[5]!)).statusCode).toBe(202);
  });

  it('issues PINs racing at the budget one at a time: never more than the budget', async () => {
    const { context } = t();
    const tenant = await context.tenants.updateSettings(await buildTown(context), { pinsPerTenantPerHour: 4 });
    // Straight to the service, all started at once, so that their statements interleave.
    const issues = SOURCES.slice(0, 12).map((ip, i) => {
      const key = `race-${i}-${Math.random()}`;
      return context.auth.pins
        .issue(tenant, { purpose: 'login', subject: key, endpointKey: key, ip, channel: 'sms' })
        .then(
          () => 'issued',
          (error: { code?: string; message?: string }) => error.code ?? error.message,
        );
    });
    const outcomes = await Promise.all(issues);
    expect(outcomes.sort()).toEqual([...Array(4).fill('issued'), ...Array(8).fill('pin-budget-spent')]);
    expect(
      await context.db.kysely.selectFrom('pins').select('id').where('tenant_id', '=', tenant.id).execute(),
    ).toHaveLength(4);
  });

  it('counts numbers a logged-in resident adds against the same budget', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    const phone = nextPhone();
    const me = await logIn(app, tenant.slug, { phone: phone.national }, phone.e164, '198.51.100.50');
    expect(
      (await me.call('POST', '/me', { kind: 'person', firstName: 'Anna', lastName: 'Virtanen' })).statusCode,
    ).toBeLessThan(300);
    await context.tenants.updateSettings(tenant, { pinsPerTenantPerHour: 3 });
    const added = [];
    for (let i = 0; i < 3; i++) added.push(await me.call('POST', '/me/endpoints', { value: nextPhone().national }));
    expect(added.map((a) => a.statusCode)).toEqual([201, 201, 429]);
    expect(added[2]!.json().code).toBe('pin-budget-spent');
    expect((await me.call('POST', '/me/endpoints', { value: '0600 123 456' })).json().code).toBe('phone-not-allowed');
  });
});

describeEachDatabase(
  'the global PIN budget (AVISO_PIN_BUDGET)',
  (t) => {
    it('caps PINs across tenants', async () => {
      const { app, context } = t();
      const one = await buildTown(context, { name: 'Yksi' });
      const two = await buildTown(context, { name: 'Kaksi' });
      const ask = (slug: string, ip: string) => requestPin(app, slug, { phone: nextPhone().national }, ip);
      expect(statuses(await Promise.all(SOURCES.slice(0, 3).map((ip) => ask(one.slug, ip))))).toEqual([202, 202, 202]);
      const second = statuses(await Promise.all(SOURCES.slice(3, 6).map((ip) => ask(two.slug, ip))));
      expect(countOf(second, 202)).toBe(1);
      expect(countOf(second, '429 pin-budget-spent')).toBe(2);
    });
  },
  { pinBudget: { perHour: 4, perDay: 100 } },
);
