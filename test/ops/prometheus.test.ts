/**
 * docs/ops against real Prometheus tools (Debian's `prometheus` package): the alert rules pass `promtool
 * check rules` and their unit tests, the example configuration passes `promtool check config`, and a real
 * Prometheus scrapes a running Aviso's metrics listener and loads the rules. Every metric the dashboard
 * and the rules name is one Aviso exports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenForMetrics } from '../../src/modules/ops/ops.routes.js';
import { createTestApp, type TestApp } from '../app.js';
import { TEST_DATABASES } from '../databases.js';
import { freePort, until } from './wait.js';

const RULES_DIR = resolve('docs/ops/prometheus');

const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8' });

describe('promtool on docs/ops/prometheus', () => {
  it('checks the rules, runs their unit tests and checks the example configuration', () => {
    for (const args of [
      ['check', 'rules', 'alerts.yml'],
      ['test', 'rules', 'alerts.test.yml'],
      ['check', 'config', 'prometheus.yml'],
    ]) {
      const result = promtool(...args);
      expect(result.status, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });
});

/** Metric names an expression or dashboard mentions. */
const namesIn = (text: string) => new Set([...text.matchAll(/\b((?:aviso|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!));

for (const kind of TEST_DATABASES) {
  describe(`a real Prometheus scraping Aviso [${kind}]`, () => {
    let aviso: TestApp;
    let metricsServer: HttpServer;
    let prometheus: ChildProcess;
    let api: string;

    beforeAll(async () => {
      aviso = await createTestApp(kind, { metrics: { mode: 'listen', host: '127.0.0.1', port: 0 } });
      await aviso.context.dispatch.warmRegisters();
      metricsServer = await listenForMetrics(aviso.context.metrics, '127.0.0.1', 0);
      const target = `127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
      const dir = mkdtempSync(join(tmpdir(), 'aviso-prometheus-'));
      const config = join(dir, 'prometheus.yml');
      writeFileSync(
        config,
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          `rule_files: ['${join(RULES_DIR, 'alerts.yml')}']`,
          'scrape_configs:',
          `  - { job_name: aviso, static_configs: [{ targets: ['${target}'] }] }`,
        ].join('\n'),
      );
      const port = await freePort();
      api = `http://127.0.0.1:${port}/api/v1`;
      prometheus = spawn(
        'prometheus',
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
    });

    afterAll(async () => {
      prometheus?.kill('SIGTERM');
      metricsServer?.close();
      await aviso?.app.close();
      await aviso?.database.drop();
    });

    it("scrapes the metrics listener, loads the alert rules and holds Aviso's series", async () => {
      const json = async (path: string) =>
        (await (await fetch(`${api}${path}`)).json()) as {
          data: Record<string, unknown> & { result?: Array<{ value: [number, string] }> };
        };
      const health = await until('the scrape target up', async () => {
        const targets = (await json('/targets')).data.activeTargets as Array<{ health: string; lastError: string }>;
        return targets[0]?.health === 'up' ? targets[0] : undefined;
      });
      expect(health.lastError).toBe('');
      const rules = await until('the rules loaded', async () => {
        const groups = (await json('/rules')).data.groups as Array<{ rules: Array<{ name: string; health: string }> }>;
        return groups.length ? groups.flatMap((g) => g.rules) : undefined;
      });
      expect(rules.map((r) => r.name)).toContain('AvisoDispatchQueueStuck');
      expect(rules.map((r) => r.name)).toContain('AvisoBackgroundFaults');
      expect(rules).toHaveLength(14);
      const ready = await until('a readiness sample', async () => {
        const result = (
          await json('/query?query=' + encodeURIComponent('aviso_readiness_check{job="aviso",check="database"}'))
        ).data.result!;
        return result.length ? result[0]!.value[1] : undefined;
      });
      expect(ready).toBe('1');
      // Every rule evaluates without error once it has data to work on.
      const evaluated = await until('every rule evaluated', async () => {
        const all = (
          (await json('/rules')).data.groups as Array<{ rules: Array<{ health: string; lastError?: string }> }>
        ).flatMap((g) => g.rules);
        return all.every((r) => r.health !== 'unknown') ? all : undefined;
      });
      expect(evaluated.filter((r) => r.health !== 'ok')).toEqual([]);
    });

    it('exports every metric the dashboard and the alert rules name', async () => {
      const exported = (await aviso.context.metrics.registry.getMetricsAsJSON()).map((m) => m.name);
      const known = new Set(exported.flatMap((name) => [name, `${name}_bucket`, `${name}_count`, `${name}_sum`]));
      const named = new Set([
        ...namesIn(readFileSync('docs/ops/grafana/aviso-dashboard.json', 'utf8')),
        ...namesIn(readFileSync(join(RULES_DIR, 'alerts.yml'), 'utf8')),
      ]);
      expect([...named].filter((name) => !known.has(name))).toEqual([]);
      expect(named.size).toBeGreaterThan(15);
    });
  });
}
