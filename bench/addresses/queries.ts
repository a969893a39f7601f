/**
 * What residents type into the address box, spread over every tenant: a street prefix, a street and a
 * number, a Swedish name (found only in bilingual towns), a postal code before the street, an accent
 * left out, a number with a letter, a postal code given as its own parameter.
 */
import type { BenchTown } from '../generate.js';
import { seededRandom } from '../../src/demo/random.js';

type Query = { q: string; postalCode?: string };

function queriesFor(town: BenchTown, random: () => number): Query[] {
  const postal = town.postalCodes[Math.floor(random() * town.postalCodes.length)]![0];
  return [
    { q: 'koulu' },
    { q: 'koulukatu 5' },
    { q: 'skolg 12' },
    { q: `${postal} kirkko` },
    { q: 'mantan' },
    { q: 'koivutie 12b' },
    { q: 'rantakatu 3 a' },
    { q: 'järvi' },
    { q: 'puisto', postalCode: postal },
    { q: 'tehtaan 7' },
  ];
}

/** Request paths for every tenant and query, shuffled (seeded) so that consecutive requests differ. */
export function searchPaths(towns: readonly BenchTown[]): string[] {
  const random = seededRandom(2);
  const paths = towns.flatMap((town) =>
    queriesFor(town, random).map(({ q, postalCode }) => {
      const params = new URLSearchParams({ q, ...(postalCode ? { postalCode } : {}) });
      return `/api/t/${town.slug}/addresses?${params.toString()}`;
    }),
  );
  for (let i = paths.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [paths[i], paths[j]] = [paths[j]!, paths[i]!];
  }
  return paths;
}
