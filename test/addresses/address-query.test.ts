import { describe, expect, it } from 'vitest';
import { parseAddressQuery } from '../../src/modules/addresses/address.search.js';
import { foldHouseNumber, foldText, houseNumberInt } from '../../src/lib/text.js';

describe('address query parsing', () => {
  it('folds case and accents', () => {
    expect(foldText('Mänttä')).toBe('mantta');
    expect(foldText('Åbo ÖSTRA  Strandgatan')).toBe('abo ostra strandgatan');
  });

  it('splits street words, number and postal code in any order', () => {
    expect(parseAddressQuery('35800 Koulukatu 5')).toEqual({
      words: ['koulukatu'],
      postalCode: '35800',
      numberKey: '5',
      numberInt: 5,
    });
    expect(parseAddressQuery('eriksg 117')).toEqual({ words: ['eriksg'], numberKey: '117', numberInt: 117 });
    expect(parseAddressQuery('Sankt Eriksgatan 117a')).toEqual({
      words: ['sankt', 'eriksgatan'],
      numberKey: '117a',
      numberInt: 117,
    });
  });

  it('joins a staircase letter to its number', () => {
    expect(parseAddressQuery('Koulukatu 12 B')).toMatchObject({
      words: ['koulukatu'],
      numberKey: '12b',
      numberInt: 12,
    });
  });

  it('takes the postal code from its own parameter first', () => {
    expect(parseAddressQuery('kirkko', '358 20')).toEqual({ words: ['kirkko'], postalCode: '35820' });
  });

  it('folds house numbers', () => {
    expect(foldHouseNumber('12 B')).toBe('12b');
    expect(foldHouseNumber('5–7')).toBe('5-7');
    expect(houseNumberInt('131a')).toBe(131);
    expect(houseNumberInt('A')).toBeNull();
  });
});
