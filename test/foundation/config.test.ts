import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'aviso-config-'));
const base = { AVISO_SECRET_FILE: join(dir, 'secret') };

describe('configuration', () => {
  it('has the embedded defaults of SPEC', () => {
    const config = loadConfig(base, '/nonexistent');
    expect(config).toMatchObject({
      databaseUrl: 'sqlite:./data/aviso.db',
      port: 8080,
      sms: 'inbox',
      email: 'inbox',
      captcha: 'altcha',
    });
  });

  it('names the bad variable and what it expects', () => {
    expect(() => loadConfig({ ...base, AVISO_PORT: 'eighty' }, '/nonexistent')).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, AVISO_PORT: 'eighty' }, '/nonexistent')).toThrow(/^AVISO_PORT: /);
    expect(() => loadConfig({ ...base, AVISO_DATABASE_URL: 'mysql://x' }, '/nonexistent')).toThrow(
      /AVISO_DATABASE_URL: expected sqlite:PATH or postgres/,
    );
    expect(() => loadConfig({ ...base, AVISO_SMS: 'carrier-pigeon://x' }, '/nonexistent')).toThrow(
      /AVISO_SMS: expected "inbox" or a URL/,
    );
    expect(() => loadConfig({ ...base, AVISO_CAPTCHA: 'maybe' }, '/nonexistent')).toThrow(/AVISO_CAPTCHA/);
  });

  it('takes a PMTiles archive or a directory of them as the basemap, and refuses anything else', () => {
    const archive = join(dir, 'town.pmtiles');
    writeFileSync(archive, Buffer.concat([Buffer.from('PMTiles', 'latin1'), Buffer.from([3]), Buffer.alloc(119)]));
    expect(loadConfig({ ...base, AVISO_BASEMAP: archive }, '/nonexistent').basemap).toBe(archive);
    expect(loadConfig({ ...base, AVISO_BASEMAP: dir }, '/nonexistent').basemap).toBe(dir);
    const notAnArchive = join(dir, 'town.mbtiles');
    writeFileSync(notAnArchive, 'SQLite format 3');
    expect(() => loadConfig({ ...base, AVISO_BASEMAP: notAnArchive }, '/nonexistent')).toThrow(
      /^AVISO_BASEMAP: expected the path of a readable PMTiles/,
    );
    expect(() => loadConfig({ ...base, AVISO_BASEMAP: join(dir, 'missing.pmtiles') }, '/nonexistent')).toThrow(
      /^AVISO_BASEMAP: /,
    );
  });

  it('accepts channel URLs, several for failover', () => {
    const config = loadConfig(
      { ...base, AVISO_SMS: 'smpp://u:p@127.0.0.1:2775?source=Aviso&tps=50,gatewayapi://token@gatewayapi.com' },
      '/nonexistent',
    );
    expect(config.sms).toContain('smpp://');
  });

  it('reads a .env file, the real environment winning', () => {
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'AVISO_PORT=9001\nAVISO_EMAIL=smtp://mail.example.fi:25?from=a@example.fi\n');
    const config = loadConfig({ ...base, AVISO_PORT: '9002' }, envFile);
    expect(config.port).toBe(9002);
    expect(config.email).toContain('smtp://');
  });

  it('takes a DKIM key with its domain and selector, all three or none, and says what is wrong at start', () => {
    const pem = (type: 'rsa' | 'ec') =>
      (type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: 'P-256' })
      ).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const keyFile = join(dir, 'dkim.pem');
    writeFileSync(keyFile, pem('rsa'));
    const dkim = { AVISO_DKIM_DOMAIN: 'Example.fi', AVISO_DKIM_SELECTOR: 'aviso2026', AVISO_DKIM_KEY_FILE: keyFile };
    expect(loadConfig(base, '/nonexistent').dkim).toBeUndefined();
    expect(loadConfig({ ...base, ...dkim }, '/nonexistent').dkim).toEqual({
      domain: 'example.fi',
      selector: 'aviso2026',
      privateKey: readFileSync(keyFile, 'utf8'),
    });
    const load = (env: Record<string, string>) => () => loadConfig({ ...base, ...env }, '/nonexistent');
    expect(load({ AVISO_DKIM_DOMAIN: 'example.fi', AVISO_DKIM_KEY_FILE: keyFile })).toThrow(
      /^AVISO_DKIM_SELECTOR: DKIM signing needs AVISO_DKIM_DOMAIN, AVISO_DKIM_SELECTOR and AVISO_DKIM_KEY_FILE together/,
    );
    expect(load({ ...dkim, AVISO_DKIM_KEY_FILE: join(dir, 'missing.pem') })).toThrow(
      /^AVISO_DKIM_KEY_FILE: cannot read .*missing\.pem/,
    );
    const notAKey = join(dir, 'public.txt');
    writeFileSync(notAKey, 'v=DKIM1; k=rsa; p=MIIB');
    expect(load({ ...dkim, AVISO_DKIM_KEY_FILE: notAKey })).toThrow(
      /^AVISO_DKIM_KEY_FILE: .* is not an RSA private key in PEM .*openssl genrsa/,
    );
    const ecKey = join(dir, 'ec.pem');
    writeFileSync(ecKey, pem('ec'));
    expect(load({ ...dkim, AVISO_DKIM_KEY_FILE: ecKey })).toThrow(/not an RSA private key in PEM \(its type is ec\)/);
    expect(load({ ...dkim, AVISO_DKIM_DOMAIN: 'not a domain' })).toThrow(/^AVISO_DKIM_DOMAIN: expected a domain name/);
  });

  it('generates the secret once and keeps it', () => {
    const first = loadConfig(base, '/nonexistent').secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(base, '/nonexistent').secret).toBe(first);
    expect(readFileSync(base.AVISO_SECRET_FILE, 'utf8').trim()).toBe(first);
  });
});
