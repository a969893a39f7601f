/**
 * Folding for matching: lower case, accents stripped (`Mänttä` → `mantta`, `Åbo` → `abo`), punctuation
 * turned to spaces, white space collapsed. Used both when storing search keys and when reading queries.
 */
export function foldText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a folded street name, for prefix search (`sankt eriksgatan` → [sankt, eriksgatan]). */
export function streetWords(folded: string): string[] {
  return [...new Set(folded.split(' ').filter((w) => w.length > 0))];
}

/** House number folded for matching: `12 B` → `12b`, `131a` → `131a`, `5–7` → `5-7`. */
export function foldHouseNumber(value: string): string {
  return value
    .toLowerCase()
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, '');
}

/** The leading integer of a house number (`131a` → 131), null when there is none. */
export function houseNumberInt(value: string): number | null {
  const match = /^\s*(\d{1,6})/.exec(value);
  return match ? Number(match[1]) : null;
}
