/**
 * Basemaps per tenant: AVISO_BASEMAP as a directory serves `{slug}.pmtiles` to its tenant and
 * `default.pmtiles` to the others; the public profile says where each tenant's archive is. The archives
 * here are only told apart by their bytes (the browser test draws a real one).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { buildTenant } from '../factories.js';

const dir = mkdtempSync(join(tmpdir(), 'aviso-basemaps-'));
mkdirSync(dir, { recursive: true });
const archive = (marker: string) =>
  Buffer.concat([Buffer.from('PMTiles', 'latin1'), Buffer.from([3]), Buffer.from(marker.padEnd(119, '.'))]);
writeFileSync(join(dir, 'kartta-oma.pmtiles'), archive('own'));

describeEachDatabase(
  'basemaps per tenant',
  (t) => {
    let own: Tenant;
    let other: Tenant;
    const profile = async (tenant: Tenant) =>
      (await t().app.inject({ url: `/api/t/${tenant.slug}` })).json().branding.basemapUrl as string | null;
    const bytes = async (tenant: Tenant) => {
      const response = await t().app.inject({
        url: `/api/t/${tenant.slug}/basemap.pmtiles`,
        headers: { range: 'bytes=8-10' },
      });
      return { status: response.statusCode, body: response.body };
    };

    beforeAll(async () => {
      own = await buildTenant(t().context, { slug: 'kartta-oma' });
      other = await buildTenant(t().context, { slug: 'kartta-muu' });
    });

    it('serves a tenant its own archive, and none to a tenant without one while there is no default', async () => {
      expect(await profile(own)).toBe('/api/t/kartta-oma/basemap.pmtiles');
      expect(await bytes(own)).toEqual({ status: 206, body: 'own' });
      expect(await profile(other)).toBeNull();
      expect((await bytes(other)).status).toBe(404);
    });

    it('serves default.pmtiles to the others once it is there', async () => {
      writeFileSync(join(dir, 'default.pmtiles'), archive('all'));
      try {
        expect(await profile(other)).toBe('/api/t/kartta-muu/basemap.pmtiles');
        expect(await bytes(other)).toEqual({ status: 206, body: 'all' });
        expect(await bytes(own)).toEqual({ status: 206, body: 'own' });
      } finally {
        rmSync(join(dir, 'default.pmtiles'));
      }
    });
  },
  { basemap: dir },
);
