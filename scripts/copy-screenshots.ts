/**
 * Copies the main screenshots of the last browser-test run (test-artifacts/, gitignored) to
 * docs/screenshots/ for the README: `npm test -- test/web && npm run screenshots`.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = {
  'portal-360.png': 'portal.png',
  'console-incident-1280.png': 'console.png',
  'public-map-1280.png': 'public-map.png',
  'map-drawn-1280.png': 'drawing-map.png',
  'demo-map-360.png': 'demo-map-360.png',
  'basemap-drawing-1280.png': 'basemap.png',
  'map-public-street-1280.png': 'public-map-street.png',
  'portal-swedish-1280.png': 'portal-sv.png',
  'landing-360.png': 'landing.png',
  'console-network-1280.png': 'network.png',
} as const;
const from = join(process.cwd(), 'test-artifacts');
const to = join(process.cwd(), 'docs', 'screenshots');
mkdirSync(to, { recursive: true });
for (const [source, target] of Object.entries(MAIN)) {
  const path = join(from, source);
  if (!existsSync(path)) {
    console.error(`missing ${path}: run the browser tests first (npm test -- test/web)`);
    process.exitCode = 1;
    continue;
  }
  copyFileSync(path, join(to, target));
  console.log(`docs/screenshots/${target}`);
}
