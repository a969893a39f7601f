/**
 * Many PINs issued at once, every one counting against the same four budget rows (the tenant's and all
 * tenants', per hour and per day): none is ended as a deadlock victim. On PostgreSQL a victim waits a
 * deadlock_timeout (a second) before it runs again, and a third in a row was a 500 to the resident; the
 * issues take the budget rows in one order, so none waits on another that waits on it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import type { CounterLimit, PinIssue } from '../../src/db/engines/writes.js';
import { newId } from '../../src/lib/ids.js';
import { pinBudgetKeys } from '../../src/modules/auth/pin.service.js';
import { windowStartOf } from '../../src/modules/auth/rate-limit.repository.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { POSTGRES_URL } from '../databases.js';
import { buildTenant } from '../factories.js';

const ISSUES = 300;
/** Statements at once: as many as two `aviso serve` processes' pools would run. */
const CONNECTIONS = 20;
const HOUR = 3_600_000;

describeEachDatabase('PINs issued at once against the same budgets', (t) => {
  let tenant: Tenant;
  let wide: Db;

  beforeAll(async () => {
    tenant = await buildTenant(t().context);
    const { schema } = t().database;
    wide = schema ? openDatabase(POSTGRES_URL, { schema, poolSize: CONNECTIONS }) : t().context.db;
  });
  afterAll(async () => {
    if (wide !== t().context.db) await wide.close();
  });

  it('issues every one, none a deadlock victim, each counted once in every budget', async () => {
    const now = Date.now();
    const hour = windowStartOf(now, HOUR);
    const day = windowStartOf(now, 24 * HOUR);
    const budgets: CounterLimit[] = [
      { key: pinBudgetKeys.tenantHour(tenant.id), windowStart: hour, limit: 1_000_000 },
      { key: pinBudgetKeys.tenantDay(tenant.id), windowStart: day, limit: 1_000_000 },
      { key: pinBudgetKeys.globalHour, windowStart: hour, limit: 1_000_000 },
      { key: pinBudgetKeys.globalDay, windowStart: day, limit: 1_000_000 },
    ];
    const issue = (subject: string): PinIssue => ({
      tenantId: tenant.id,
      pin: { id: newId(), purpose: 'login', subject, codeHash: 'hash', createdAt: now, expiresAt: now + 600_000 },
      claim: undefined,
      rules: {
        notIssuedAfter: now - 60_000,
        locks: [],
        counters: [{ key: `pin-ip:${subject}`, windowStart: hour, limit: 10 }],
        budgets,
      },
    });
    const issuePin = wide.engine.pinIssuer(wide.kysely);
    // The budget rows exist from here on: the issues at once only lock and update them.
    await issuePin(issue('first'));

    const outcomes = await Promise.all(Array.from({ length: ISSUES }, (_, i) => issuePin(issue(`at-once-${i}`))));

    expect(outcomes.filter((o) => !o.stored)).toEqual([]);
    expect(outcomes.filter((o) => o.deadlocks > 0).map((o) => o.deadlocks)).toEqual([]);
    const counted = await wide.kysely
      .selectFrom('rate_counters')
      .select(['key', 'count'])
      .where(
        'key',
        'in',
        budgets.map((b) => b.key),
      )
      .execute();
    expect(new Set(counted.map((c) => Number(c.count)))).toEqual(new Set([ISSUES + 1]));
  });
});
