/** An address written for the page's language: the Swedish street name on Swedish pages when the register has one. */
import type { Address } from './components/AddressPicker';

type Named = Pick<Address, 'street' | 'streetSv' | 'number' | 'postalCode' | 'postalTown'>;

/** The street name in `language`, and the other name when the address has two. */
export function streetNames(
  address: Pick<Address, 'street' | 'streetSv'>,
  language: string,
): { street: string; other: string | null } {
  const swedish = address.streetSv && address.streetSv !== address.street ? address.streetSv : null;
  if (!swedish) return { street: address.street, other: null };
  return language === 'sv' ? { street: swedish, other: address.street } : { street: address.street, other: swedish };
}

/** `Skolgatan 5, 35800 Mänttä` on a Swedish page, `Koulukatu 5, 35800 Mänttä` on the others. */
export function addressLine(address: Named, language: string): string {
  return `${streetNames(address, language).street} ${address.number}, ${address.postalCode} ${address.postalTown}`;
}
