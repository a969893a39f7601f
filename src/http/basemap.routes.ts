/**
 * The installation's basemap, a PMTiles archive (AVISO_BASEMAP), served from this origin at
 * /basemap.pmtiles with HTTP range requests — the browser reads its header, directories and tiles as
 * byte ranges — so that no map request leaves the origin.
 */
import { createReadStream, statSync } from 'node:fs';
import type { AppInstance } from '../app.js';
import { AppError } from '../errors.js';

export const BASEMAP_PATH = '/basemap.pmtiles';

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

export function registerBasemapRoutes(app: AppInstance, file: string | undefined): void {
  if (!file) return;
  app.get(BASEMAP_PATH, { schema: { hide: true } }, async (request, reply) => {
    const { size, mtimeMs } = statSync(file);
    const etag = `"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`;
    reply.header('accept-ranges', 'bytes').header('etag', etag).header('cache-control', 'public, max-age=3600').type('application/vnd.pmtiles');
    const range = parseRange(request.headers.range, size);
    if (range === 'bad') {
      reply.header('content-range', `bytes */${size}`);
      throw new AppError('range-not-satisfiable', 416, `range: the archive has ${size} bytes`, [{ field: 'range', message: `the archive has ${size} bytes` }]);
    }
    if (!range) return reply.header('content-length', size).send(createReadStream(file));
    return reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1)
      .send(createReadStream(file, { start: range.start, end: range.end }));
  });
}
