/**
 * Builds the whole app on a fresh database of either kind, for `app.inject()` tests; plus factories.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { buildApp, type AppInstance } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { createContext, type Context, type ContextOptions } from '../src/context.js';
import type { Clock } from '../src/lib/clock.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase, type TestDatabase } from './databases.js';

export interface TestApp {
  kind: TestDatabase;
  app: AppInstance;
  context: Context;
  database: FreshDatabase;
  clock: MutableClock;
}

export interface MutableClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** A clock that follows real time until set, then stays where a test puts it. */
export function mutableClock(): MutableClock {
  let fixed: number | undefined;
  return {
    now: () => fixed ?? Date.now(),
    set: (ms) => void (fixed = ms),
    advance: (ms) => void (fixed = (fixed ?? Date.now()) + ms),
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig(
    {
      AVISO_SECRET: 'test-secret-test-secret-test-secret-0123',
      AVISO_CAPTCHA: 'off',
      AVISO_LOG_LEVEL: 'silent',
      AVISO_DEV_INBOX: 'true',
    },
    '/nonexistent',
  );
  return Object.freeze({ ...base, ...overrides });
}

export async function createTestApp(
  kind: TestDatabase,
  overrides: Partial<Config> = {},
  options: Omit<ContextOptions, 'clock'> = {},
): Promise<TestApp> {
  const database = await freshDatabase(kind);
  const clock = mutableClock();
  const context = createContext(testConfig({ databaseUrl: database.url, ...overrides }), database.db, {
    ...options,
    clock,
  });
  const app = await buildApp(context, { logger: false });
  await app.ready();
  return { kind, app, context, database, clock };
}

/**
 * `describe` once per database, each with its own app on a fresh schema: `describeEachDatabase('x', (t) => { it(…, () => t().app …) })`.
 */
export function describeEachDatabase(
  name: string,
  body: (get: () => TestApp) => void,
  overrides: Partial<Config> = {},
): void {
  for (const kind of TEST_DATABASES) {
    describe(`${name} [${kind}]`, () => {
      let testApp: TestApp | undefined;
      beforeAll(async () => {
        testApp = await createTestApp(kind, overrides);
      });
      afterAll(async () => {
        await testApp?.app.close();
        await testApp?.database.drop();
      });
      body(() => {
        if (!testApp) throw new Error('test app not built');
        return testApp;
      });
    });
  }
}
