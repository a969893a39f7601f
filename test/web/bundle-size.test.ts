/**
 * Weight: the JavaScript a page loads before it can be used (its entry script and the chunks the
 * built HTML preloads), gzipped. The resident portal must stay within 150 KB; Leaflet and the CAPTCHA
 * widget are lazy chunks that come only when the page shows a map or the login form.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const DIST = join(process.cwd(), 'web', 'dist');

/** Script and modulepreload URLs of a built page; none at all means the page or the pattern is wrong, never "weighs nothing". */
function firstLoadScripts(page: string): string[] {
  const html = readFileSync(join(DIST, `${page}.html`), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  if (scripts.length === 0) throw new Error(`${page}.html loads no script from /assets: nothing to weigh`);
  return scripts;
}

export function firstLoadGzipBytes(page: string): number {
  return firstLoadScripts(page).reduce((sum, url) => sum + gzipSync(readFileSync(join(DIST, url))).length, 0);
}

describe('JavaScript weight', () => {
  it('the resident portal loads at most 150 KB of gzipped JavaScript, without Leaflet', () => {
    const scripts = firstLoadScripts('portal');
    expect(scripts.some((s) => /leaflet|geoman|altcha/.test(s))).toBe(false);
    expect(firstLoadGzipBytes('portal')).toBeLessThanOrEqual(150 * 1024);
  });

  it('every page stays within a sane budget', () => {
    for (const page of ['map', 'inbox', 'admin'])
      expect(firstLoadGzipBytes(page), page).toBeLessThanOrEqual(400 * 1024);
  });
});
