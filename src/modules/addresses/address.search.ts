/**
 * Address autocomplete as the source pages describe it: postal code first or not, street prefix (either
 * language, any word of the name: `eriksg` finds `Sankt Eriksgatan`), house number; accent- and
 * case-insensitive; the exact number before `117a`/`117b`; top 10.
 */
import { foldHouseNumber, foldText, houseNumberInt, streetWords } from '../../lib/text.js';
import type { TenantId } from '../../lib/tenant-id.js';
import type { AddressRepository, AddressRow, SearchWord } from './address.repository.js';

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

export function toAddressView(row: AddressRow): AddressView {
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

/** Street keys (and towns) that satisfy every word: each word is a prefix of a word of the street or town. */
function matchPlaces(words: string[], perWord: SearchWord[][]): { streets: string[] | undefined; towns: string[] | undefined } {
  const streetSets = words.map((_, i) => new Set(perWord[i]!.filter((w) => w.kind === 'street').map((w) => w.key)));
  const townSets = words.map((_, i) => new Set(perWord[i]!.filter((w) => w.kind === 'town').map((w) => w.key)));
  // Words that name no street are read as the town ("eriksg stockholm").
  const streetWordIdx = words.map((_, i) => i).filter((i) => streetSets[i]!.size > 0);
  const townWordIdx = words.map((_, i) => i).filter((i) => streetSets[i]!.size === 0);
  let towns: string[] | undefined;
  for (const i of townWordIdx) {
    const set = townSets[i]!;
    towns = towns ? towns.filter((t) => set.has(t)) : [...set];
  }
  let streets: string[] | undefined;
  for (const i of streetWordIdx) {
    const set = streetSets[i]!;
    streets = streets ? streets.filter((s) => set.has(s)) : [...set];
  }
  return { streets, towns };
}

function rankStreets(streets: string[], words: string[]): string[] {
  const phrase = words.join(' ');
  const score = (key: string): number => {
    if (key.startsWith(phrase)) return 0;
    if (streetWords(key).some((w) => w.startsWith(words[0]!))) return 1;
    return 2;
  };
  return streets
    .map((key) => ({ key, score: score(key) }))
    .sort((a, b) => a.score - b.score || a.key.length - b.key.length || (a.key < b.key ? -1 : 1))
    .slice(0, STREETS_TO_SEARCH)
    .map((s) => s.key);
}

export async function searchAddresses(
  repo: AddressRepository,
  tenantId: TenantId,
  query: AddressQuery,
  limit = 10,
): Promise<AddressRow[]> {
  const filter = {
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
  return repo.search(tenantId, {
    ...filter,
    ...(streets ? { streetKeys: rankStreets(streets, query.words) } : {}),
    ...(towns ? { postalTowns: towns } : {}),
  });
}
