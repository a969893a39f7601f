/** A Config for benchmark processes: the database under test, silent logs, no secret file written. */
import { loadConfig, type Config } from '../../src/config.js';

export function benchConfig(databaseUrl: string): Config {
  return loadConfig(
    {
      AVISO_DATABASE_URL: databaseUrl,
      AVISO_SECRET: 'bench-secret-bench-secret-bench-secret-0',
      AVISO_CAPTCHA: 'off',
      AVISO_LOG_LEVEL: 'silent',
    },
    '/nonexistent',
  );
}
