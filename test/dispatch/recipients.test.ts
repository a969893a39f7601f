/** The recipient rules of SPEC, exhaustively, on the pure resolver (no database). */
import { describe, expect, it } from 'vitest';
import { areaMatcher } from '../../src/modules/incidents/area.js';
import {
  recipientAddressLabel,
  resolveRecipients,
  type AddressLabelParts,
  type CandidateAddress,
  type Candidates,
  type ResolutionRules,
} from '../../src/modules/recipients/recipients.js';
import type { ContactKind, DataSource, EndpointType } from '../../src/db/schema.js';
import { square } from '../factories.js';

const inside = square(24.6, 62.0, 0.01);
const matcher = areaMatcher({ polygons: [inside], streets: [], postalCodes: [] });
const rules: ResolutionRules = {
  today: '2025-06-15',
  householdMode: false,
  languages: ['fi', 'sv', 'en'],
  minimumAge: 16,
};

function address(id: string, lon: number, lat: number): CandidateAddress {
  return {
    id,
    lon,
    lat,
    numberInt: Number.parseInt(id, 10) || null,
    postalCode: '35800',
    streetKey: 'koulukatu',
    streetKeySv: 'skolgatan',
  };
}
const labels = new Map<string, AddressLabelParts>(
  ['1', '2', '3'].map((id) => [id, { street: 'Koulukatu', streetSv: 'Skolgatan', number: id }]),
);

const IN1 = address('1', 24.6, 62.0);
const IN2 = address('2', 24.605, 62.005);
const OUT = address('3', 24.7, 62.0);
const addresses = [IN1, IN2, OUT];

/** One flattened register row (contact × address × endpoint), as the tests write them. */
interface Row {
  addressId: string;
  contactId: string;
  active: boolean;
  contactKind: ContactKind;
  contactSource: DataSource;
  birthDate: string | null;
  language: string | null;
  priority: boolean;
  endpointType: EndpointType | null;
  endpointValue: string | null;
  endpointSource: DataSource | null;
  endpointVerified: boolean;
}

function link(contactId: string, addressId: string, over: Partial<Row> = {}): Row {
  return {
    addressId,
    contactId,
    active: true,
    contactKind: 'person',
    contactSource: 'self',
    birthDate: null,
    language: 'fi',
    priority: false,
    endpointType: 'mobile',
    endpointValue: `+35840000${contactId.padStart(4, '0')}`,
    endpointSource: 'self',
    endpointVerified: true,
    ...over,
  };
}

/** Rows → the register tables the resolver reads (links, contacts, endpoints), duplicates merged. */
function candidatesOf(rows: Row[], all: readonly CandidateAddress[] = addresses): Candidates {
  const links = new Map(
    rows.map((r) => [
      `${r.contactId}|${r.addressId}`,
      { addressId: r.addressId, contactId: r.contactId, active: r.active ? 1 : 0 } as const,
    ]),
  );
  const contacts = new Map(
    rows.map((r) => [
      r.contactId,
      {
        id: r.contactId,
        kind: r.contactKind,
        source: r.contactSource,
        birthDate: r.birthDate,
        language: r.language,
        priority: r.priority ? 1 : 0,
      } as const,
    ]),
  );
  const endpoints = new Map(
    rows
      .filter((r) => r.endpointType && r.endpointValue)
      .map((r) => [
        `${r.contactId}|${r.endpointType}|${r.endpointValue}`,
        {
          contactId: r.contactId,
          type: r.endpointType!,
          value: r.endpointValue!,
          source: r.endpointSource ?? r.contactSource,
          verified: r.endpointVerified ? 1 : 0,
        } as const,
      ]),
  );
  return {
    addresses: all,
    links: [...links.values()],
    contacts: [...contacts.values()],
    endpoints: [...endpoints.values()],
  };
}

const resolve = (rows: Row[], r: Partial<ResolutionRules> = {}) =>
  resolveRecipients(matcher, candidatesOf(rows), { ...rules, ...r });
const endpoints = (rows: Row[], r: Partial<ResolutionRules> = {}) =>
  resolve(rows, r).recipients.map((x) => `${x.channel}:${x.endpoint}`);

describe('recipient resolution', () => {
  it('takes the addresses whose point is inside the area, and nobody outside', () => {
    const result = resolve([link('a', '1'), link('b', '3')]);
    expect(result.addressIds).toEqual(['1', '2']);
    expect(result.recipients.map((r) => r.contactId)).toEqual(['a']);
  });

  it('sends a person with two addresses inside one message naming both', () => {
    const result = resolve([link('a', '1'), link('a', '2')]);
    expect(result.recipients).toHaveLength(1);
    expect(result.recipients[0]!.addressIds).toEqual(['1', '2']);
    expect(recipientAddressLabel(result.recipients[0]!, labels)).toBe('Koulukatu 1, Koulukatu 2');
    expect(result.contacts).toBe(1);
  });

  it('sends a number shared by two contacts once, and counts the duplicate', () => {
    const shared = { endpointValue: '+358401111111' };
    const result = resolve([link('a', '1', shared), link('b', '2', shared)]);
    expect(result.recipients.map((r) => r.endpoint)).toEqual(['+358401111111']);
    expect(result.exclusions.duplicate).toBe(1);
    expect(result.contacts).toBe(2);
  });

  it.each([
    ['15 years old', '2009-06-16', false],
    ['16 today', '2009-06-15', true],
    ['16 since yesterday', '2009-06-14', true],
  ])('public-register person %s: included = %s', (_name, birthDate, included) => {
    const result = resolve([
      link('a', '1', { contactSource: 'register', birthDate, endpointSource: 'register', endpointVerified: false }),
    ]);
    expect(result.recipients.length).toBe(included ? 1 : 0);
    expect(result.exclusions['under-16']).toBe(included ? 0 : 1);
  });

  it('counts 29 February births as 16 on 28 February of a common year', () => {
    const born = link('a', '1', { contactSource: 'register', birthDate: '2008-02-29' });
    expect(resolve([born], { today: '2024-02-27' }).recipients).toHaveLength(0);
    expect(resolve([born], { today: '2024-02-28' }).recipients).toHaveLength(0); // 2024 is a leap year: the birthday is the 29th
    expect(resolve([born], { today: '2024-02-29' }).recipients).toHaveLength(1);
    const common = link('b', '1', { contactSource: 'register', birthDate: '2009-02-28' });
    expect(resolve([common], { today: '2025-02-28' }).recipients).toHaveLength(1);
  });

  it('does not age-check self-registered persons or companies', () => {
    const result = resolve([
      link('a', '1', { birthDate: '2015-01-01' }),
      link('c', '2', { contactKind: 'company', contactSource: 'register', birthDate: null }),
    ]);
    expect(result.recipients.map((r) => r.contactId).sort()).toEqual(['a', 'c']);
  });

  it("leaves out deactivated addresses, but not the person's other active one", () => {
    const off = resolve([link('a', '1', { active: false })]);
    expect(off.recipients).toHaveLength(0);
    expect(off.exclusions.deactivated).toBe(1);
    const mixed = resolve([link('a', '1', { active: false }), link('a', '2')]);
    expect(mixed.recipients.map((r) => r.addressIds)).toEqual([['2']]);
  });

  it('leaves out unverified self-entered endpoints; register endpoints count as verified', () => {
    const result = resolve([
      link('a', '1', { endpointVerified: false }),
      link('b', '1', {
        endpointSource: 'register',
        endpointVerified: false,
        contactSource: 'register',
        birthDate: '1980-01-01',
      }),
    ]);
    expect(result.recipients.map((r) => r.contactId)).toEqual(['b']);
    expect(result.exclusions.unverified).toBe(1);
  });

  it('counts contacts inside without any endpoint', () => {
    const result = resolve([link('a', '1', { endpointType: null, endpointValue: null, endpointSource: null })]);
    expect(result.exclusions['no-endpoint']).toBe(1);
  });

  it('maps mobile → sms, landline → voice, email → email, push → push', () => {
    expect(
      endpoints([
        link('a', '1', { endpointType: 'mobile', endpointValue: '+358401' }),
        link('a', '1', { endpointType: 'landline', endpointValue: '+35831' }),
        link('a', '1', { endpointType: 'email', endpointValue: 'a@example.fi' }),
        link('a', '1', { endpointType: 'push', endpointValue: '{"endpoint":"x"}' }),
      ]).sort(),
    ).toEqual(['email:a@example.fi', 'push:{"endpoint":"x"}', 'sms:+358401', 'voice:+35831']);
  });

  it('puts priority contacts first and also calls their mobile', () => {
    const result = resolve([link('a', '1'), link('p', '2', { priority: true, endpointValue: '+358409999' })]);
    expect(result.recipients.map((r) => `${r.channel}:${r.contactId}`)).toEqual(['sms:p', 'voice:p', 'sms:a']);
  });

  it("picks the contact's language when the tenant has it, else the tenant's first", () => {
    const result = resolve(
      [link('a', '1', { language: 'sv' }), link('b', '1', { language: 'de' }), link('c', '1', { language: null })],
      { languages: ['fi', 'sv'] },
    );
    expect(Object.fromEntries(result.recipients.map((r) => [r.contactId, r.language]))).toEqual({
      a: 'sv',
      b: 'fi',
      c: 'fi',
    });
    expect(
      recipientAddressLabel(
        result.recipients.find((r) => r.contactId === 'a')!,
        labels,
      ),
    ).toBe('Skolgatan 1');
  });

  it('household mode: one message per address (a priority contact is still called too)', () => {
    const links = [link('a', '1'), link('b', '1'), link('c', '2'), link('p', '2', { priority: true })];
    const result = resolve(links, { householdMode: true });
    expect(result.recipients.map((r) => `${r.channel}:${r.contactId}`)).toEqual(['sms:p', 'voice:p', 'sms:a']);
    expect(result.exclusions.household).toBe(2);
  });

  // The ≤ 1 s figure is the benchmark's (bench/dispatch.bench.ts); this only catches a quadratic slip.
  it('resolves 200,000 addresses without a quadratic slip', () => {
    const many: CandidateAddress[] = [];
    const rows: Row[] = [];
    for (let i = 0; i < 200_000; i++) {
      const a = address(`a${i}`, 24.59 + (i % 500) * 0.00004, 61.99 + Math.floor(i / 500) * 0.00005);
      many.push(a);
      if (i % 3 !== 0) rows.push(link(`c${i}`, a.id, { endpointValue: `+3584${i}` }));
    }
    const candidates = candidatesOf(rows, many);
    const started = performance.now();
    const result = resolveRecipients(matcher, candidates, rules);
    const ms = performance.now() - started;
    expect(result.recipients.length).toBeGreaterThan(100_000);
    expect(ms).toBeLessThan(10_000);
  });
});
