/**
 * The self-hosted ALTCHA CAPTCHA for real: a challenge from the server, solved by brute force as the
 * browser widget does, verified on the PIN request, and accepted once only.
 */
import { createHash } from 'node:crypto';
import { createChallenge, solveChallenge, verifySolution } from 'altcha-lib';
import { describe, expect, it } from 'vitest';
import { verifyAltchaSolution } from '../../src/modules/auth/captcha.service.js';
import { describeEachDatabase } from '../app.js';
import { buildTown, requestPin } from '../residents/resident-client.js';
import { nextPhone } from './phones.js';

interface Challenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

const payloadOf = (challenge: Challenge, number: number) => {
  const { algorithm, salt, signature } = challenge;
  return Buffer.from(JSON.stringify({ algorithm, challenge: challenge.challenge, number, salt, signature })).toString(
    'base64',
  );
};

/** Solved with altcha-lib's own solver, the one the widget runs (slow in Node: a promise per hash). */
async function solve(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber)
    .promise;
  if (!solution) throw new Error('unsolvable challenge');
  return payloadOf(challenge, solution.number);
}

/** The same search with Node's synchronous SHA-256: a real solution, found in tens of milliseconds. */
function solveFast(challenge: Challenge): string {
  for (let n = 0; n <= challenge.maxnumber; n++) {
    if (
      createHash('sha256')
        .update(challenge.salt + n)
        .digest('hex') === challenge.challenge
    )
      return payloadOf(challenge, n);
  }
  throw new Error('unsolvable challenge');
}

describeEachDatabase(
  'CAPTCHA (ALTCHA)',
  (t) => {
    it('hands out a signed, expiring challenge tuned for about a second on a phone', async () => {
      const { app, context } = t();
      const tenant = await buildTown(context);
      const answer = await app.inject({ url: `/api/t/${tenant.slug}/captcha` });
      expect(answer.headers['cache-control']).toBe('no-store');
      const challenge = answer.json() as Challenge;
      expect(challenge).toMatchObject({ algorithm: 'SHA-256', maxnumber: 150_000 });
      expect(challenge.salt).toMatch(new RegExp(`\\?tenant=${tenant.id}&cost=1&expires=\\d+&$`));
      expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    });

    it('asks for a solved challenge before sending a PIN, and takes each solution once', async () => {
      const { app, context } = t();
      const tenant = await buildTown(context);
      const missing = await requestPin(app, tenant.slug, { phone: nextPhone().national }, '10.30.0.1');
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors).toEqual([
        { field: 'captcha', code: 'captcha-missing', message: 'confirm that you are not a robot' },
      ]);
      expect(
        (await requestPin(app, tenant.slug, { phone: nextPhone().national, captcha: 'bm9wZQ==' }, '10.30.0.1')).json()
          .errors[0].field,
      ).toBe('captcha');

      const challenge = (await app.inject({ url: `/api/t/${tenant.slug}/captcha` })).json() as Challenge;
      const payload = await solve(challenge);
      const forged = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64').toString()), number: 1 }),
      ).toString('base64');
      expect(
        (await requestPin(app, tenant.slug, { phone: nextPhone().national, captcha: forged }, '10.30.0.1')).statusCode,
      ).toBe(400);

      const phone = nextPhone();
      const accepted = await requestPin(app, tenant.slug, { phone: phone.national, captcha: payload }, '10.30.0.1');
      expect(accepted.statusCode, accepted.body).toBe(202);
      const replay = await requestPin(app, tenant.slug, { phone: nextPhone().national, captcha: payload }, '10.30.0.1');
      expect(replay.statusCode).toBe(400);
      expect(replay.json().errors[0]).toEqual({
        field: 'captcha',
        code: 'captcha-used',
        message: 'this CAPTCHA solution was used already; solve a new one',
      });
    });

    it('takes a solution at the tenant that issued the challenge only', async () => {
      const { app, context } = t();
      const one = await buildTown(context, { name: 'Yksi' });
      const two = await buildTown(context, { name: 'Kaksi' });
      const payload = solveFast((await app.inject({ url: `/api/t/${one.slug}/captcha` })).json());
      const elsewhere = await requestPin(app, two.slug, { phone: nextPhone().national, captcha: payload }, '10.30.0.3');
      expect(elsewhere.json().errors[0]).toEqual({
        field: 'captcha',
        code: 'captcha-wrong',
        message: 'the CAPTCHA solution is not valid',
      });
      expect(
        (await requestPin(app, one.slug, { phone: nextPhone().national, captcha: payload }, '10.30.0.3')).statusCode,
      ).toBe(202);
    });

    it('costs more the more PINs the tenant sends this hour, up to 20 times', async () => {
      const { app, context, clock } = t();
      clock.set(Date.UTC(2030, 0, 1, 10, 0, 0));
      const tenant = await context.tenants.updateSettings(await buildTown(context), { pinsPerTenantPerHour: 10 });
      const cost = async () =>
        ((await app.inject({ url: `/api/t/${tenant.slug}/captcha` })).json() as Challenge).maxnumber;
      const costs = [await cost()];
      // The PINs straight from the service: solving the dearer challenges would take seconds each here.
      for (let i = 0; i < 10; i++) {
        const key = `cost-${i}-${Math.random()}`;
        await context.auth.pins.issue(tenant, {
          purpose: 'login',
          subject: key,
          endpointKey: key,
          ip: `10.31.0.${i}`,
          channel: 'sms',
        });
        // The rate is read again every 5 seconds.
        clock.advance(5_000);
        costs.push(await cost());
      }
      expect(costs[0]).toBe(150_000);
      expect(costs[1]).toBe(150_000);
      expect(costs[5]).toBeGreaterThan(150_000);
      expect(costs.at(-1)).toBe(20 * 150_000);
      for (let i = 1; i < costs.length; i++) expect(costs[i]).toBeGreaterThanOrEqual(costs[i - 1]!);
    });

    it("refuses a solution fetched cheaply before the tenant's PIN rate surged", async () => {
      const { app, context, clock } = t();
      clock.set(Date.UTC(2030, 0, 1, 12, 0, 0));
      const tenant = await context.tenants.updateSettings(await buildTown(context), { pinsPerTenantPerHour: 10 });
      const stockpiled = solveFast((await app.inject({ url: `/api/t/${tenant.slug}/captcha` })).json());
      for (let i = 0; i < 9; i++) {
        const key = `surge-${i}-${Math.random()}`;
        await context.auth.pins.issue(tenant, {
          purpose: 'login',
          subject: key,
          endpointKey: key,
          ip: `10.32.0.${i}`,
          channel: 'sms',
        });
      }
      clock.advance(5_000);
      const refused = await requestPin(
        app,
        tenant.slug,
        { phone: nextPhone().national, captcha: stockpiled },
        '10.32.1.1',
      );
      expect(refused.json().errors[0]).toEqual({
        field: 'captcha',
        code: 'captcha-expired',
        message: 'the CAPTCHA has expired; solve a new one',
      });
    });

    it('refuses an expired solution', async () => {
      const { app, context, clock } = t();
      const tenant = await buildTown(context);
      const payload = solveFast((await app.inject({ url: `/api/t/${tenant.slug}/captcha` })).json());
      clock.advance(11 * 60_000);
      const late = await requestPin(app, tenant.slug, { phone: nextPhone().national, captcha: payload }, '10.30.0.2');
      expect(late.json().errors[0].message).toMatch(/expired/);
    });
  },
  { captcha: 'altcha' },
);

describeEachDatabase('CAPTCHA off (AVISO_CAPTCHA=off)', (t) => {
  it('says so and sends PINs without one', async () => {
    const { app, context } = t();
    const tenant = await buildTown(context);
    expect((await app.inject({ url: `/api/t/${tenant.slug}/captcha` })).json()).toEqual({ enabled: false });
    expect((await requestPin(app, tenant.slug, { phone: nextPhone().national })).statusCode).toBe(202);
  });
});

describe('the synchronous verification', () => {
  it("agrees with altcha-lib's verifySolution", async () => {
    for (const algorithm of ['SHA-1', 'SHA-256', 'SHA-512'] as const) {
      const challenge = await createChallenge({ hmacKey: 'key', algorithm, number: 4242, maxNumber: 10_000 });
      const good = {
        algorithm,
        challenge: challenge.challenge,
        number: 4242,
        salt: challenge.salt,
        signature: challenge.signature,
      };
      const cases = [
        good,
        { ...good, number: 4243 },
        { ...good, signature: good.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
        { ...good, salt: good.salt + 'x' },
      ];
      for (const solution of cases) {
        expect(verifyAltchaSolution(solution, 'key'), `${algorithm} ${JSON.stringify(solution)}`).toBe(
          await verifySolution(solution, 'key', false),
        );
      }
      expect(verifyAltchaSolution(good, 'other key')).toBe(false);
    }
  });
});
