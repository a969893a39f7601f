/**
 * Ties the web's own precision to the server's API types (src/contracts, imported type-only): a field the
 * server types loosely (`unknown` GeoJSON, string-keyed records) is narrowed here by name, and a list
 * the page needs as a value is checked against the server's union, so that a rename on the server fails
 * `tsc -p web` instead of a page.
 */

/**
 * T with some fields given a more precise type. Every key of R must be a field of T and its type must fit
 * T's, so a field the server renames or retypes breaks the narrowing.
 */
export type Narrow<T, R extends { [K in keyof R]: K extends keyof T ? T[K] : never }> = Omit<T, keyof R> & R;

/** The list, checked at compile time to hold every member of T (and, by its element type, nothing else). */
export function everyOf<T extends string>() {
  return <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L => list;
}
