/**
 * Address autocomplete as the source pages describe it: postal code first or not, street prefix (either
 * language, any word of the name: `eriksg` finds `Sankt Eriksgatan`), house number; accent- and
 * case-insensitive; the exact number before `117a`/`117b`; top 10.
 */
import { foldHouseNumber, foldText, houseNumberInt, streetWords } from '../../lib/text.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AddressFilter, AddressRepository, AddressRow, SearchWord, StreetLanguage } from './address.repository.js';

export interface AddressQuery {
  words: string[];
  numberKey?: string;
  numberInt?: number;
  postalCode?: string;
}

/** Splits what the resident typed into street/town words, a house number and a postal code. Pure. */
export function parseAddressQuery(q: string, postalCode?: string): AddressQuery {
  const tokens = foldText(q).split(' ').filter(Boolean);
  const query: AddressQuery = { words: [] };
  const postal = postalCode?.replace(/\s+/g, '');
  if (postal) query.postalCode = postal;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (/^\d{5}$/.test(token) && !query.postalCode) {
      query.postalCode = token;
    } else if (/^\d/.test(token) && query.numberKey === undefined) {
      // `12 b` → `12b`: a lone letter right after the number is its staircase or letter.
      const next = tokens[i + 1];
      const withLetter = next && /^[a-z]$/.test(next) ? (i++, token + next) : token;
      query.numberKey = foldHouseNumber(withLetter);
      const n = houseNumberInt(withLetter);
      if (n !== null) query.numberInt = n;
    } else if (!/^\d/.test(token)) {
      query.words.push(token);
    }
  }
  query.words = query.words.slice(0, 4);
  return query;
}

export interface AddressView {
  id: string;
  street: string;
  streetSv: string | null;
  number: string;
  postalCode: string;
  postalTown: string;
  municipality: string;
  propertyId: string | null;
  buildingId: string | null;
  label: string;
  lat: number;
  lon: number;
}

/** The register columns an address view is made of (reads that only show addresses select just these). */
export const ADDRESS_VIEW_COLUMNS = [
  'id',
  'street',
  'street_sv',
  'number',
  'postal_code',
  'postal_town',
  'municipality',
  'property_id',
  'building_id',
  'lat',
  'lon',
] as const;
export type AddressViewRow = Pick<AddressRow, (typeof ADDRESS_VIEW_COLUMNS)[number]>;

export function toAddressView(row: AddressViewRow): AddressView {
  return {
    id: row.id,
    street: row.street,
    streetSv: row.street_sv,
    number: row.number,
    postalCode: row.postal_code,
    postalTown: row.postal_town,
    municipality: row.municipality,
    propertyId: row.property_id,
    buildingId: row.building_id,
    label: `${row.street} ${row.number}, ${[row.postal_code, row.postal_town].filter(Boolean).join(' ')}`.trim(),
    lat: row.lat,
    lon: row.lon,
  };
}

const CANDIDATES_PER_WORD = 2000;
const STREETS_TO_SEARCH = 40;

/** A street as search words name it: its key in one language. */
interface StreetRef {
  key: string;
  language: StreetLanguage;
}

const streetOf = (w: SearchWord): StreetRef | undefined =>
  w.kind === 'street'
    ? { key: w.key, language: 'fi' }
    : w.kind === 'street_sv'
      ? { key: w.key, language: 'sv' }
      : undefined;
const refId = (s: StreetRef): string => `${s.language}:${s.key}`;

/** Streets (and towns) that satisfy every word: each word is a prefix of a word of the street or town. */
function matchPlaces(
  words: string[],
  perWord: SearchWord[][],
): { streets: StreetRef[] | undefined; towns: string[] | undefined } {
  const streetMaps = perWord.map((found) => {
    const byId = new Map<string, StreetRef>();
    for (const street of found.map(streetOf)) if (street) byId.set(refId(street), street);
    return byId;
  });
  const townSets = perWord.map((found) => new Set(found.filter((w) => w.kind === 'town').map((w) => w.key)));
  // Words that name no street are read as the town ("eriksg stockholm").
  const streetWordIdx = words.map((_, i) => i).filter((i) => streetMaps[i]!.size > 0);
  const townWordIdx = words.map((_, i) => i).filter((i) => streetMaps[i]!.size === 0);
  let towns: string[] | undefined;
  for (const i of townWordIdx) {
    const set = townSets[i]!;
    towns = towns ? towns.filter((t) => set.has(t)) : [...set];
  }
  let streets: StreetRef[] | undefined;
  for (const i of streetWordIdx) {
    const map = streetMaps[i]!;
    streets = streets ? streets.filter((s) => map.has(refId(s))) : [...map.values()];
  }
  return { streets, towns };
}

/** Best first: the typed phrase starts the name, then a word starts with the first typed word; shorter names first. */
function rankStreets(streets: StreetRef[], words: string[]): StreetRef[] {
  const phrase = words.join(' ');
  const score = ({ key }: StreetRef): number => {
    if (key.startsWith(phrase)) return 0;
    if (streetWords(key).some((w) => w.startsWith(words[0]!))) return 1;
    return 2;
  };
  return streets
    .map((street) => ({ street, score: score(street) }))
    .sort(
      (a, b) =>
        a.score - b.score || a.street.key.length - b.street.key.length || (a.street.key < b.street.key ? -1 : 1),
    )
    .slice(0, STREETS_TO_SEARCH)
    .map((s) => s.street);
}

/** Addresses on ranked streets of either language, merged back into the streets' order. */
async function onRankedStreets(
  repo: AddressRepository,
  tenantId: TenantId,
  streets: StreetRef[],
  filter: AddressFilter,
): Promise<AddressRow[]> {
  const rank = new Map(streets.map((s, i) => [refId(s), i]));
  const found = await Promise.all(
    (['fi', 'sv'] as const).map((language) => {
      const keys = streets.filter((s) => s.language === language).map((s) => s.key);
      return keys.length > 0 ? repo.onStreets(tenantId, language, keys, filter) : [];
    }),
  );
  if (found[1]!.length === 0) return found[0]!;
  const rankOf = (row: AddressRow) =>
    Math.min(
      rank.get(`fi:${row.street_key}`) ?? Infinity,
      row.street_key_sv ? (rank.get(`sv:${row.street_key_sv}`) ?? Infinity) : Infinity,
    );
  const exact = (row: AddressRow) => (filter.numberKey && row.number_key === filter.numberKey ? 0 : 1);
  const unique = new Map([...found[0]!, ...found[1]!].map((row) => [row.id, row]));
  return [...unique.values()]
    .sort(
      (a, b) =>
        exact(a) - exact(b) ||
        rankOf(a) - rankOf(b) ||
        (a.number_int ?? 0) - (b.number_int ?? 0) ||
        (a.number_key < b.number_key ? -1 : 1),
    )
    .slice(0, filter.limit);
}

/**
 * With a number, every candidate street is looked up at that number in one go (a few rows). Without
 * one, the best street alone comes first: it usually fills the page by itself, and one street is a
 * cheap walk along the index where many would mean sorting every address they hold.
 */
async function searchStreets(
  repo: AddressRepository,
  tenantId: TenantId,
  streets: StreetRef[],
  filter: AddressFilter,
): Promise<AddressRow[]> {
  if (filter.numberInt !== undefined) return onRankedStreets(repo, tenantId, streets, filter);
  const [best, ...rest] = streets;
  const first = await repo.onStreets(tenantId, best!.language, [best!.key], filter);
  if (first.length >= filter.limit || rest.length === 0) return first;
  // Unfiltered, each street has an address, so this many more streets are enough to fill the page.
  const next = filter.postalCode || filter.postalTowns ? rest : rest.slice(0, filter.limit);
  // The best street may come back under its other language's name: each address is listed once.
  const listed = new Set(first.map((row) => row.id));
  const more = (await onRankedStreets(repo, tenantId, next, filter)).filter((row) => !listed.has(row.id));
  return [...first, ...more].slice(0, filter.limit);
}

export async function searchAddresses(
  repo: AddressRepository,
  tenantId: TenantId,
  query: AddressQuery,
  limit = 10,
): Promise<AddressRow[]> {
  const filter: AddressFilter = {
    limit,
    ...(query.postalCode ? { postalCode: query.postalCode } : {}),
    ...(query.numberInt !== undefined ? { numberInt: query.numberInt } : {}),
    ...(query.numberKey ? { numberKey: query.numberKey } : {}),
  };
  if (query.words.length === 0) {
    // A postal code alone lists that area; nothing at all finds nothing.
    return query.postalCode ? repo.search(tenantId, filter) : [];
  }
  const perWord = await Promise.all(query.words.map((w) => repo.wordsWithPrefix(tenantId, w, CANDIDATES_PER_WORD)));
  const { streets, towns } = matchPlaces(query.words, perWord);
  if ((streets && streets.length === 0) || (towns && towns.length === 0)) return [];
  const placed = towns ? { ...filter, postalTowns: towns } : filter;
  return streets
    ? searchStreets(repo, tenantId, rankStreets(streets, query.words), placed)
    : repo.search(tenantId, placed);
}

/** Address autocomplete over one register: what the typed text and postal code find, as views. */
export function addressSearch(repo: AddressRepository) {
  return {
    async search(
      tenantId: TenantId,
      text: string,
      postalCode: string | undefined,
      limit: number,
    ): Promise<AddressView[]> {
      const rows = await searchAddresses(repo, tenantId, parseAddressQuery(text, postalCode), limit);
      return rows.map(toAddressView);
    },
  };
}

export type AddressSearch = ReturnType<typeof addressSearch>;
