/** A real Aviso server on a fresh database (SQLite unless told), listening on a free loopback port, for the browser tests. */
import type { Config } from '../../src/config.js';
import type { ContextOptions } from '../../src/context.js';
import { createTestApp, type TestApp } from '../app.js';
import type { TestDatabase } from '../databases.js';

export interface WebServer extends TestApp {
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(
  overrides: Partial<Config> = {},
  options: Omit<ContextOptions, 'clock'> = {},
  database: TestDatabase = 'sqlite',
): Promise<WebServer> {
  const testApp = await createTestApp(database, overrides, options);
  const url = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    ...testApp,
    url,
    close: async () => {
      await testApp.app.close();
      await testApp.database.drop();
    },
  };
}
