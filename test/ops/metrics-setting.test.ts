import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseMetrics } from '../../src/config.js';
import { errorCode } from '../../src/modules/ops/metrics.js';

const base = { AVISO_SECRET_FILE: join(mkdtempSync(join(tmpdir(), 'aviso-metrics-setting-')), 'secret') };

describe('AVISO_METRICS', () => {
  it('is off by default, a bind address or a token', () => {
    expect(loadConfig(base, '/nonexistent').metrics).toEqual({ mode: 'off' });
    expect(parseMetrics('127.0.0.1:9464')).toEqual({ mode: 'listen', host: '127.0.0.1', port: 9464 });
    expect(parseMetrics('[::1]:9464')).toEqual({ mode: 'listen', host: '::1', port: 9464 });
    expect(parseMetrics('metrics.internal:9100')).toEqual({ mode: 'listen', host: 'metrics.internal', port: 9100 });
    expect(parseMetrics('c2VjcmV0LXRva2VuLWZvci1tZXRyaWNz')).toEqual({
      mode: 'token',
      token: 'c2VjcmV0LXRva2VuLWZvci1tZXRyaWNz',
    });
  });

  it('names the variable (or the flag) when the value is neither', () => {
    expect(() => loadConfig({ ...base, AVISO_METRICS: 'short' }, '/nonexistent')).toThrow(
      /^AVISO_METRICS: "off", a bind address HOST:PORT/,
    );
    expect(() => parseMetrics('on', '--metrics')).toThrow(/^--metrics: /);
  });
});

describe('provider error codes as labels', () => {
  it('keeps protocol codes and folds everything else into "other"', () => {
    expect(errorCode('submit_sm refused: ESME_RTHROTTLED')).toBe('ESME_RTHROTTLED');
    expect(errorCode('550 5.1.1 no such user')).toBe('550');
    expect(errorCode('connect ECONNREFUSED 127.0.0.1:2775')).toBe('ECONNREFUSED');
    expect(errorCode('SMPP bind refused (status 13)')).toBe('status-13');
    expect(errorCode('the number +358401234567 is barred')).toBe('other');
    expect(errorCode(undefined)).toBe('other');
  });
});
