import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvRecordSplitter, readCsvRecords, type CsvRecord } from '../../src/lib/csv-records.js';

async function records(chunks: Array<string | Buffer>): Promise<CsvRecord[]> {
  const all: CsvRecord[] = [];
  for await (const run of readCsvRecords(Readable.from(chunks))) all.push(...run);
  return all;
}

describe('CSV records', () => {
  it('splits lines into trimmed fields with the line each record ends on, skipping blank lines', async () => {
    expect(
      await records(['\uFEFFid, street ,n\r\n', 'a1,Puistokatu,1\r\n\r\n', '  \n', 'a2,Kuja\n', 'a3,Tie,3,extra']),
    ).toEqual([
      [1, ['id', 'street', 'n']],
      [2, ['a1', 'Puistokatu', '1']],
      [5, ['a2', 'Kuja']],
      [6, ['a3', 'Tie', '3', 'extra']],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks inside', async () => {
    expect(await records(['id,name,n\n', 'q1, "Kirkko, ""vanha""\nkatu" ,7\n', 'q2,"  keep  ",8\n'])).toEqual([
      [1, ['id', 'name', 'n']],
      [3, ['q1', 'Kirkko, "vanha"\nkatu', '7']],
      [4, ['q2', '  keep  ', '8']],
    ]);
  });

  it('gives the same records however the input is cut, also inside a multi-byte character or a quote', async () => {
    const text = 'id,street\nä1,"Ääkkös""katu"\nä2,"Rivi\nvaihto"\nä3,Öljytie\n';
    const whole = await records([text]);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await records([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
    }
    expect(whole.map(([line, fields]) => [line, fields[1]])).toEqual([
      [1, 'street'],
      [2, 'Ääkkös"katu'],
      [4, 'Rivi\nvaihto'],
      [5, 'Öljytie'],
    ]);
  });

  it('refuses a quoted field that is never closed', () => {
    const splitter = new CsvRecordSplitter();
    expect(splitter.push('id,name\nq1,"open\n')).toEqual([[1, ['id', 'name']]]);
    expect(() => splitter.end()).toThrow(/line 2: a quoted field is not closed/);
  });
});
