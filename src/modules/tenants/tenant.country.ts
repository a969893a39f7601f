/**
 * The country a tenant lies in, which decides how national phone numbers are read (`040 123 4567` is a
 * Finnish mobile in Närpes and a Malmö landline in Sweden). The `country` setting wins; unset, the
 * country whose outline holds the centre of the service area; outside every outline, the country of the
 * first language. The outlines are coarse (a few dozen points, sea included up to the middle of the
 * Gulf of Bothnia and the Åland Sea): a tenant right on a land border sets `country`.
 */
import type { Polygon } from 'geojson';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { pointInAreaTest, type BBox } from '../../lib/geo.js';
import type { Language, Tenant } from './tenant.types.js';

/** The Torne and Muonio rivers, Tornio to Treriksröset: the land border Finland and Sweden share. */
const TORNE: Array<[number, number]> = [
  [24.14, 65.78],
  [23.9, 66.15],
  [23.7, 66.4],
  [23.95, 66.8],
  [23.75, 67.3],
  [23.6, 67.95],
  [22.45, 68.45],
  [20.55, 69.06],
];

/** Finland with Åland, clockwise from the mouth of the Torne. */
const FINLAND: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      ...TORNE,
      [21.3, 69.3],
      [22.4, 68.72],
      [23.9, 68.82],
      [25.75, 69.0],
      [25.85, 69.4],
      [27.0, 69.9],
      [27.97, 70.08],
      [28.93, 69.05],
      [28.4, 68.5],
      [30.0, 67.7],
      [29.1, 66.85],
      [29.9, 66.1],
      [30.1, 65.0],
      [30.5, 64.0],
      [31.2, 63.3],
      [31.58, 62.91],
      [30.7, 62.2],
      [29.8, 61.5],
      [28.85, 61.15],
      [27.8, 60.55],
      [27.8, 60.2],
      [25.0, 59.95],
      [22.9, 59.7],
      [21.0, 59.7],
      [19.9, 59.75],
      [19.2, 60.1],
      [19.2, 60.45],
      [20.5, 60.65],
      [21.0, 60.9],
      [21.2, 61.5],
      [21.0, 62.3],
      [20.95, 62.6],
      [20.9, 63.3],
      [21.6, 63.7],
      [22.2, 63.8],
      [22.7, 64.0],
      [24.0, 64.7],
      [24.3, 65.05],
      [24.3, 65.45],
      [24.14, 65.78],
    ],
  ],
};

/** Sweden with Öland and Gotland, from the Torne's mouth down the coast and up the Norwegian border. */
const SWEDEN: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      ...TORNE,
      [19.9, 68.35],
      [18.13, 68.43],
      [17.9, 68.4],
      [16.4, 67.5],
      [15.0, 66.2],
      [14.3, 65.1],
      [13.9, 64.5],
      [12.1, 63.32],
      [12.8, 62.2],
      [12.1, 61.7],
      [12.2, 61.0],
      [12.5, 60.5],
      [11.8, 59.8],
      [11.27, 59.1],
      [11.0, 58.3],
      [11.8, 57.3],
      [12.4, 56.2],
      [12.8, 55.3],
      [14.5, 55.3],
      [16.6, 56.1],
      [18.8, 57.0],
      [19.4, 57.9],
      [18.9, 59.0],
      [19.15, 59.8],
      [19.0, 60.5],
      [19.9, 62.5],
      [20.4, 63.3],
      [21.2, 63.8],
      [21.6, 64.5],
      [23.0, 65.4],
      [24.14, 65.78],
    ],
  ],
};

const OUTLINES: ReadonlyArray<{ country: CountryCode; contains: (lon: number, lat: number) => boolean }> = [
  { country: 'FI', contains: pointInAreaTest(FINLAND) },
  { country: 'SE', contains: pointInAreaTest(SWEDEN) },
];

const COUNTRY_BY_LANGUAGE: Record<Language, CountryCode> = { fi: 'FI', sv: 'SE', en: 'FI' };

/** The country of a first language (fi → FI, sv → SE, en → FI): the last resort. */
export function languageCountry(languages: readonly Language[]): CountryCode {
  return COUNTRY_BY_LANGUAGE[languages[0] ?? 'fi'];
}

/** The country whose outline holds the centre of `bbox`, or null outside the outlines. */
export function countryOfArea(bbox: BBox): CountryCode | null {
  const lon = (bbox[0] + bbox[2]) / 2;
  const lat = (bbox[1] + bbox[3]) / 2;
  return OUTLINES.find((outline) => outline.contains(lon, lat))?.country ?? null;
}

/** The country the tenant's national numbers are read in: its setting, else its service area's, else its first language's. */
export function tenantCountry(tenant: Pick<Tenant, 'languages' | 'settings' | 'bbox'>): CountryCode {
  return (
    (tenant.settings.country as CountryCode | null) ?? countryOfArea(tenant.bbox) ?? languageCountry(tenant.languages)
  );
}

/**
 * Countries that share a numbering plan count as one: Åland (AX) is in Finland's (+358, its `018`
 * numbers are Finnish), so a Finnish tenant takes Åland numbers and an Åland tenant Finnish ones.
 */
const SAME_NUMBERING: Readonly<Record<string, readonly string[]>> = { FI: ['FI', 'AX'], AX: ['FI', 'AX'] };

export function numberingCountries(countries: readonly string[]): string[] {
  return [...new Set(countries.flatMap((c) => SAME_NUMBERING[c] ?? [c]))];
}

/**
 * The SMS sender as it goes out: a national number (`040 123 4567`) in its E.164 form in the tenant's
 * country (an SMSC or aggregator would read it in its own), a name or a short code as it is.
 */
export function smsSenderOf(tenant: Pick<Tenant, 'smsSender' | 'languages' | 'settings' | 'bbox'>): string {
  const compact = tenant.smsSender.replace(/[\s-]/g, '');
  if (!/^0\d{5,}$/.test(compact)) return tenant.smsSender;
  const phone = parsePhoneNumberFromString(compact, tenantCountry(tenant));
  return phone?.isValid() ? phone.number : tenant.smsSender;
}
