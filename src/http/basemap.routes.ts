/**
 * Basemaps: PMTiles archives served from this origin with HTTP range requests — the browser reads an
 * archive's header, directories and tiles as byte ranges — so that no map request leaves the origin.
 * AVISO_BASEMAP is one archive for every tenant, or a directory holding `{slug}.pmtiles` per tenant and
 * `default.pmtiles` for the others. Each tenant's archive is at /api/t/{tenant}/basemap.pmtiles.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { routePlugin } from './route-plugin.js';
import { AppError, fieldProblem, NotFoundError } from '../errors.js';
import type { TenantService } from '../modules/tenants/tenant.service.js';

/** The archive a tenant's maps draw, from the AVISO_BASEMAP setting; null for none. */
export function basemapFile(setting: string | undefined, slug: string): string | null {
  if (!setting) return null;
  if (!statSync(setting).isDirectory()) return setting;
  for (const name of [`${slug}.pmtiles`, 'default.pmtiles']) {
    const file = join(setting, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Where a tenant's pages fetch its basemap, or null when it has none. */
export function basemapUrl(setting: string | undefined, slug: string): string | null {
  return basemapFile(setting, slug) ? `/api/t/${encodeURIComponent(slug)}/basemap.pmtiles` : null;
}

/** One range of `bytes=a-b`, `bytes=a-` or `bytes=-n` within `size`; null when none is asked; 'bad' when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'bad';
  if (match[1] === '') {
    const length = Math.min(Number(match[2]), size);
    return length > 0 ? { start: size - length, end: size - 1 } : 'bad';
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start < size && start <= end ? { start, end } : 'bad';
}

export const basemapRoutes = routePlugin(
  'basemap',
  (app, deps: { setting: string | undefined; tenants: Pick<TenantService, 'resolveTenant'> }) => {
    if (!deps.setting) return;
    app.get(
      '/api/t/:tenant/basemap.pmtiles',
      {
        schema: {
          tags: ['maps'],
          summary: "The tenant's basemap, a PMTiles archive, with HTTP range requests (Range: bytes=…)",
          params: z.object({ tenant: z.string() }),
        },
      },
      async (request, reply) => {
        const tenant = await deps.tenants.resolveTenant(request.params.tenant);
        const file = basemapFile(deps.setting, tenant.slug);
        if (!file) throw new NotFoundError(`a basemap of ${tenant.slug}`);
        const { size, mtimeMs } = statSync(file);
        const etag = `"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`;
        reply
          .header('accept-ranges', 'bytes')
          .header('etag', etag)
          .header('cache-control', 'public, max-age=3600')
          .type('application/vnd.pmtiles');
        const range = parseRange(request.headers.range, size);
        if (range === 'bad') {
          reply.header('content-range', `bytes */${size}`);
          throw new AppError('range-not-satisfiable', 416, { bytes: size }, [
            fieldProblem('range', 'range-not-satisfiable', { bytes: size }),
          ]);
        }
        if (!range) return reply.header('content-length', size).send(createReadStream(file));
        return reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
          .header('content-length', range.end - range.start + 1)
          .send(createReadStream(file, { start: range.start, end: range.end }));
      },
    );
  },
);
