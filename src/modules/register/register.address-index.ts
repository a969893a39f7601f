/**
 * The tenant's address register in memory, for matching register rows without a query per row:
 * postal code + folded street name (Finnish or Swedish) → that street's folded house numbers → address id.
 * About 70 bytes an address (ids as binary words, house number keys shared), so a million addresses fit
 * well within the import's memory budget.
 * A row that does not match is explained with the closest address there is.
 */
import { foldHouseNumber, foldText, houseNumberInt } from '../../lib/text.js';
import { AddressIds } from './register.address-ids.js';

/** The columns of `addresses` the index is built from. */
export interface AddressKeyRow {
  id: string;
  postal_code: string;
  street: string;
  street_key: string;
  street_key_sv: string | null;
  number_key: string;
}

export type AddressMatch =
  | {
      ok: true;
      addressId: string;
      /** Matched without the row's staircase or flat part (`12 B 5` → `12 B` or `12`). */ byBuilding: boolean;
    }
  | { ok: false; reason: string; candidate: string | null };

interface StreetEntry {
  name: string;
  postalCode: string;
  /** number_key → the address id's number in AddressIds */
  numbers: Map<string, number>;
}

const SEP = '\u0001';

/**
 * The keys a written house number may be found under, best first: as written (`12b5`), the building with
 * its letter (`12b`), the bare number (`12`). `12 B` and `12b` fold to the same key. Digits after a space
 * are a flat, never part of the number: `3 5` is flat 5 of number 3, not number 35.
 */
export function houseNumberKeys(number: string): string[] {
  const keys = /\d\s+\d/.test(number) ? [] : [foldHouseNumber(number)];
  const match = /^(\d+)\s*([\p{L}](?!\p{L}))?/u.exec(number.trim());
  if (!match) return keys;
  const building = match[1]! + (match[2]?.toLowerCase() ?? '');
  if (!keys.includes(building)) keys.push(building);
  if (!keys.includes(match[1]!)) keys.push(match[1]!);
  return keys;
}

/** Edit distance, giving up (returning limit + 1) once it cannot stay within `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** The house number of the street nearest to `wanted` (by its leading integer). */
function nearestNumber(entry: StreetEntry, wanted: number | null): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of entry.numbers.keys()) {
    const distance = Math.abs((houseNumberInt(key) ?? 0) - (wanted ?? 0)) + key.length / 100;
    if (distance < bestDistance) [best, bestDistance] = [key, distance];
  }
  return best;
}

const describe = (entry: StreetEntry, numberKey: string | undefined): string =>
  `${entry.name}${numberKey ? ` ${numberKey}` : ''}, ${entry.postalCode}`;

/** foldText remembered: a register names each street on every row of its residents. */
function memoizedFold(): (value: string) => string {
  const folded = new Map<string, string>();
  return (value) => {
    let key = folded.get(value);
    if (key === undefined) {
      if (folded.size >= 100_000) folded.clear();
      folded.set(value, (key = foldText(value)));
    }
    return key;
  };
}

export function addressIndex() {
  const fold = memoizedFold();
  const ids = new AddressIds();
  // A town has a few hundred distinct house numbers: one string each instead of one per address.
  const numberKeys = new Map<string, string>();
  const streets = new Map<string, StreetEntry>();
  let size = 0;
  // Built on the first unmatched row only: most imports never need them.
  let byPostal: Map<string, Array<[string, StreetEntry]>> | undefined;
  let byStreet: Map<string, StreetEntry[]> | undefined;

  function buildLookups(): void {
    byPostal = new Map();
    byStreet = new Map();
    for (const [key, entry] of streets) {
      const streetKey = key.slice(key.indexOf(SEP) + 1);
      let inPostal = byPostal.get(entry.postalCode);
      if (!inPostal) byPostal.set(entry.postalCode, (inPostal = []));
      inPostal.push([streetKey, entry]);
      let named = byStreet.get(streetKey);
      if (!named) byStreet.set(streetKey, (named = []));
      named.push(entry);
    }
  }

  function closestStreet(postalCode: string, streetKey: string): StreetEntry | undefined {
    const limit = Math.max(2, Math.floor(streetKey.length / 4));
    let best: StreetEntry | undefined;
    let bestDistance = limit + 1;
    for (const [key, entry] of byPostal!.get(postalCode) ?? []) {
      // An abbreviation (`puistok`) is as close as one typo.
      const distance = streetKey.length >= 4 && key.startsWith(streetKey) ? 1 : editDistance(streetKey, key, limit);
      if (distance < bestDistance) [best, bestDistance] = [entry, distance];
    }
    return best;
  }

  function explain(
    streetKey: string,
    number: string,
    keys: string[],
    postalCode: string,
  ): AddressMatch & { ok: false } {
    const wanted = houseNumberInt(number);
    const street = streets.get(postalCode + SEP + streetKey);
    if (street) {
      return {
        ok: false,
        reason: `address not found: no such house number on the street in ${postalCode}`,
        candidate: describe(street, nearestNumber(street, wanted)),
      };
    }
    if (!byPostal) buildLookups();
    const elsewhere = byStreet!.get(streetKey)?.find((entry) => keys.some((k) => entry.numbers.has(k)));
    if (elsewhere) {
      const key = keys.find((k) => elsewhere.numbers.has(k));
      return {
        ok: false,
        reason: `address not found: the street and number are in postal code ${elsewhere.postalCode}, not ${postalCode}`,
        candidate: describe(elsewhere, key),
      };
    }
    const similar = closestStreet(postalCode, streetKey);
    if (similar) {
      const key = keys.find((k) => similar.numbers.has(k)) ?? nearestNumber(similar, wanted);
      return {
        ok: false,
        reason: `address not found: no such street in ${postalCode}`,
        candidate: describe(similar, key),
      };
    }
    const reason = byPostal!.has(postalCode)
      ? `address not found: no such street in ${postalCode}`
      : `address not found: postal code ${postalCode} is not in the address register`;
    return { ok: false, reason, candidate: null };
  }

  return {
    add(row: AddressKeyRow): void {
      const key = row.postal_code + SEP + row.street_key;
      let entry = streets.get(key);
      if (!entry) streets.set(key, (entry = { name: row.street, postalCode: row.postal_code, numbers: new Map() }));
      if (!entry.numbers.has(row.number_key)) {
        let numberKey = numberKeys.get(row.number_key);
        if (numberKey === undefined) numberKeys.set(row.number_key, (numberKey = row.number_key));
        entry.numbers.set(numberKey, ids.add(row.id));
        size++;
      }
      if (row.street_key_sv && row.street_key_sv !== row.street_key) {
        const svKey = row.postal_code + SEP + row.street_key_sv;
        if (!streets.has(svKey)) streets.set(svKey, entry);
      }
      byPostal = undefined;
      byStreet = undefined;
    },

    /** Distinct addresses (postal code, street, number) held. */
    get size(): number {
      return size;
    },

    /** Street in either language, number with letter or staircase, postal code; accent- and case-insensitive. */
    match(street: string, number: string, postalCode: string): AddressMatch {
      const streetKey = fold(street);
      const keys = houseNumberKeys(number);
      const entry = streets.get(postalCode + SEP + streetKey);
      if (entry) {
        for (const [i, key] of keys.entries()) {
          const slot = entry.numbers.get(key);
          if (slot !== undefined) return { ok: true, addressId: ids.at(slot), byBuilding: i > 0 };
        }
      }
      return explain(streetKey, number, keys, postalCode);
    },
  };
}

export type AddressIndex = ReturnType<typeof addressIndex>;
