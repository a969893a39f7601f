/**
 * Benchmark data of the register import: one bilingual town of N addresses (src/demo/town.ts, the aviso
 * CSV the address import reads) and a population register of M persons living at those addresses, with
 * Finnish names and identity codes, birth dates of all ages (minors included), mobiles and landlines in
 * the formats people write them, and the rows a real register has: protected persons, addresses that do
 * not match, a few bad values. A second register file is the first a few months later: 5 % of it changed
 * (moved, new numbers, new names, gone, new). Deterministic; files are reused when already there.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Polygon } from 'geojson';
import { postalCodesOfMunicipality } from '../../src/demo/postal-codes.js';
import { pick, seededRandom } from '../../src/demo/random.js';
import { generateTown, toAvisoCsv, townServiceArea } from '../../src/demo/town.js';
import type { AddressRecord } from '../../src/modules/addresses/address.parse.js';

const CENTRE = [24.94, 60.17] as const;
const RADIUS_METRES = 20_000;
const ADDRESSES_PER_STREET = 40;
const HEADER =
  'person_id,first_name,last_name,birth_date,street,number,postal_code,postal_town,mobile,landline,language,protected\n';

const FIRST = [
  'Matti',
  'Juha',
  'Mikko',
  'Timo',
  'Kari',
  'Antti',
  'Jari',
  'Pekka',
  'Ville',
  'Eino',
  'Onni',
  'Väinö',
  'Leo',
  'Oliver',
  'Elias',
  'Maria',
  'Helena',
  'Anna',
  'Johanna',
  'Kaisa',
  'Liisa',
  'Aino',
  'Sofia',
  'Eveliina',
  'Ella',
  'Olivia',
  'Aada',
  'Siiri',
  'Päivi',
  'Tuula',
  'Sari',
  'Minna',
  'Jönsson',
  'Åsa',
  'Björn',
  'Göran',
  'Ulla-Maija',
  'Jean-Pierre',
] as const;
const LAST = [
  'Korhonen',
  'Virtanen',
  'Mäkinen',
  'Nieminen',
  'Mäkelä',
  'Hämäläinen',
  'Laine',
  'Heikkinen',
  'Koskinen',
  'Järvinen',
  'Lehtonen',
  'Lehtinen',
  'Saarinen',
  'Salminen',
  'Heinonen',
  'Niemi',
  'Heikkilä',
  'Kinnunen',
  'Salonen',
  'Turunen',
  'Salo',
  'Laitinen',
  'Tuominen',
  'Rantanen',
  'Karjalainen',
  'Jokinen',
  'Mattila',
  'Savolainen',
  'Lahtinen',
  'Ahonen',
  'Lindqvist',
  'Öhman',
  'Åström',
  'Grönroos',
  'Šarić',
] as const;
const MOBILE_PREFIXES = ['40', '41', '44', '45', '46', '50'] as const;
const AREA_CODES = ['9', '2', '3', '5', '6', '8', '13', '14', '15', '17', '19'] as const;
const CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

export interface RegisterBenchData {
  addressesFile: string;
  registerFile: string;
  changedFile: string;
  serviceArea: Polygon;
  /** E.164 numbers of the file that residents opted out of (the suppressions table gets their hashes). */
  suppressed: string[];
}

export interface RegisterDataOptions {
  addresses: number;
  persons: number;
  dir?: string;
}

function townRecords(count: number): Generator<AddressRecord> {
  const postalCodes = postalCodesOfMunicipality('091');
  return generateTown({
    seed: 91,
    centre: CENTRE,
    radiusMetres: RADIUS_METRES,
    streets: Math.ceil(count / ADDRESSES_PER_STREET),
    addresses: count,
    postalCodes,
    municipality: 'Helsinki',
    idPrefix: 'hki-',
    swedish: true,
  });
}

/** The Finnish personal identity code of a birth date and an individual number (2–899). */
function identityCode(date: Date, individual: number): string {
  const dd = String(date.getUTCDate()).padStart(2, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const year = date.getUTCFullYear();
  const nnn = String(individual).padStart(3, '0');
  const check = CHECK_CHARS[Number(`${dd}${mm}${String(year % 100).padStart(2, '0')}${nnn}`) % 31]!;
  return `${dd}${mm}${String(year % 100).padStart(2, '0')}${year >= 2000 ? 'A' : '-'}${nnn}${check}`;
}

interface Person {
  id: string;
  first: string;
  last: string;
  birth: string;
  address: AddressRecord;
  mobile: string | null;
  landline: string | null;
  language: string;
  protected: boolean;
}

/** A number as people write it: national with or without separators, or international. */
function written(random: () => number, national: string, areaLength: number): string {
  const roll = random();
  if (roll < 0.4) return national;
  if (roll < 0.7)
    return `${national.slice(0, areaLength + 1)}-${national.slice(areaLength + 1, areaLength + 4)} ${national.slice(areaLength + 4)}`;
  if (roll < 0.85) return `${national.slice(0, areaLength + 1)} ${national.slice(areaLength + 1)}`;
  return `+358${national.slice(1)}`;
}

function newPerson(
  random: () => number,
  address: AddressRecord,
  individuals: Map<string, number>,
  firstIndividual = 1,
): Person {
  // Ages 0–99, a population pyramid flattened: about a fifth are minors.
  const age = Math.floor(random() ** 1.1 * 100);
  const birth = new Date(Date.UTC(2025 - age, 0, 1) + Math.floor(random() * 365) * 86_400_000);
  const day = birth.toISOString().slice(0, 10);
  const individual = (individuals.get(day) ?? firstIndividual) + 1;
  individuals.set(day, individual);
  const phones = random();
  const mobile =
    phones < 0.88 ? `0${pick(random, MOBILE_PREFIXES)}${String(Math.floor(random() * 1e7)).padStart(7, '0')}` : null;
  const area = pick(random, AREA_CODES);
  const landline = phones > 0.85 ? `0${area}${String(1_000_000 + Math.floor(random() * 8_999_999))}` : null;
  const language = random();
  return {
    id: identityCode(birth, 2 + (individual % 897)),
    first: pick(random, FIRST),
    last: pick(random, LAST),
    birth: random() < 0.7 ? day : day.replace(/-/g, ''),
    address,
    mobile,
    landline: landline && random() < 0.99 ? landline : landline ? '09-12' : null,
    language: language < 0.88 ? 'fi' : language < 0.98 ? 'sv' : 'en',
    protected: random() < 0.005,
  };
}

function csvLine(random: () => number, p: Person): string {
  const a = p.address;
  const unmatched = random() < 0.01;
  const street = a.streetSv && random() < 0.07 ? a.streetSv : random() < 0.02 ? a.street.toUpperCase() : a.street;
  // Flats: `12 B 5` (staircase and flat) is how a register writes a home in a block of flats.
  const number = unmatched
    ? `${Number.parseInt(a.number, 10) + 1000}`
    : random() < 0.2
      ? `${a.number} ${1 + Math.floor(random() * 40)}`
      : a.number;
  const mobile = p.mobile ? written(random, p.mobile, 2) : '';
  const landline = p.landline ? written(random, p.landline, p.landline.length === 9 ? 1 : 2) : '';
  const fields = [
    p.id,
    p.first,
    p.last,
    p.birth,
    street,
    number,
    a.postalCode,
    a.postalTown,
    mobile,
    landline,
    p.language,
    p.protected ? '1' : '0',
  ];
  return fields.map((f) => (/[",]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\n';
}

/** Persons per address: 0–3, one on average, so that the register has about as many rows as addresses. */
const personsAt = (random: () => number): number => {
  const roll = random();
  return roll < 0.3 ? 0 : roll < 0.75 ? 1 : roll < 0.95 ? 2 : 3;
};

interface Change {
  /** 0 = the first file; otherwise the share of rows changed in the second. */
  rate: number;
}

/**
 * Yields the register's lines; with a change rate, the same persons a few months later. Everything a
 * person is made of comes from `base` (the same in both files), how their row is written from a generator
 * of their own (so that a removed person does not shift how the next ones are written), and the changes
 * from a third.
 */
function* registerLines(options: RegisterDataOptions, change: Change, suppressed: string[]): Generator<string> {
  const base = seededRandom(4242);
  const changes = seededRandom(999);
  const individuals = new Map<string, number>();
  // Newcomers get individual numbers no one in the first file has.
  const newcomers = new Map<string, number>();
  const recent: AddressRecord[] = [];
  let emitted = 0;
  yield HEADER;
  for (const address of townRecords(options.addresses)) {
    if (recent.length < 5000) recent.push(address);
    else recent[Math.floor(base() * recent.length)] = address;
    for (let i = personsAt(base); i > 0 && emitted < options.persons; i--) {
      const person = newPerson(base, address, individuals);
      emitted++;
      if (!change.rate && emitted % 1000 === 0 && person.mobile) suppressed.push(`+358${person.mobile.slice(1)}`);
      const format = seededRandom(emitted * 7919 + 17);
      const roll = change.rate ? changes() : 1;
      const slice = change.rate / 5;
      if (roll < slice) continue; // gone: moved away or died
      if (roll < 2 * slice) person.address = pick(changes, recent);
      else if (roll < 3 * slice) person.mobile = `050${String(Math.floor(changes() * 1e7)).padStart(7, '0')}`;
      else if (roll < 4 * slice)
        person.last = pick(
          changes,
          LAST.filter((l) => l !== person.last),
        );
      else if (roll < 5 * slice) yield csvLine(changes, newPerson(changes, pick(changes, recent), newcomers, 600));
      yield csvLine(format, person);
    }
    if (emitted >= options.persons) break;
  }
}

/** Joins lines into larger chunks: a stream of a million tiny strings is needlessly slow. */
function* inChunks(lines: Iterable<string>, size = 2000): Generator<string> {
  let chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length >= size) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

async function write(file: string, lines: Iterable<string>): Promise<void> {
  if (existsSync(file)) return;
  await pipeline(Readable.from(inChunks(lines)), createWriteStream(`${file}.tmp`));
  renameSync(`${file}.tmp`, file);
}

export async function generateRegisterData(options: RegisterDataOptions): Promise<RegisterBenchData> {
  const dir = join(options.dir ?? join(tmpdir(), 'aviso-bench'), `register-v1-${options.addresses}x${options.persons}`);
  mkdirSync(dir, { recursive: true });
  const addressesFile = join(dir, 'addresses.csv');
  const registerFile = join(dir, 'register.csv');
  const changedFile = join(dir, 'register-5pc-changed.csv');
  await write(addressesFile, toAvisoCsv(townRecords(options.addresses)));
  const suppressed: string[] = [];
  const lines = registerLines(options, { rate: 0 }, suppressed);
  await write(registerFile, lines);
  // A file from an earlier run: the lines are generated again (a few seconds) for the suppressed numbers.
  for (const _ of lines);
  await write(changedFile, registerLines(options, { rate: 0.05 }, []));
  return {
    addressesFile,
    registerFile,
    changedFile,
    serviceArea: townServiceArea(CENTRE, RADIUS_METRES * 1.2),
    suppressed,
  };
}
