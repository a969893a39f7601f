/** Independent checks of published feeds: CAP 1.2 against the OASIS schema (xmllint), GeoJSON read by GDAL (ogrinfo). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const XSD = fileURLToPath(new URL('./cap-1.2.xsd', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aviso-feeds-'));
const fileOf = (name: string, text: string) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(file, text);
  return file;
};

/** xmllint --schema; throws with xmllint's report when the document is not valid CAP 1.2. */
export function validateCap(xml: string): void {
  try {
    execFileSync('xmllint', ['--noout', '--schema', XSD, fileOf('alert.xml', xml)], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`not valid CAP 1.2:\n${(error as { stderr?: Buffer }).stderr?.toString()}\n${xml}`);
  }
}

/** ogrinfo's summary of a GeoJSON document (GDAL's GeoJSON driver); throws with its report when GDAL cannot read it. */
export function ogrSummary(geojson: string): string {
  try {
    return execFileSync('ogrinfo', ['-ro', '-al', '-so', fileOf('feed.geojson', geojson)], {
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (error) {
    throw new Error(`GDAL cannot read the GeoJSON:\n${(error as { stderr?: Buffer }).stderr?.toString()}\n${geojson}`);
  }
}
