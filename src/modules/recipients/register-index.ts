/**
 * A tenant's register as recipient resolution reads it, held in memory as columns: address points, each
 * address's contact links, each contact's rule fields and endpoints. An area of 200,000 addresses among a
 * million then resolves without a database round trip (reading those rows took seconds per preview);
 * typed arrays and one string per id keep a million-address register near 150 MB and out of the way of the
 * garbage collector. The copy is kept current by patches: a changed contact is read again and replaces
 * what the columns hold for it (the register change log says which); a bulk change builds a new index.
 */
import type { EndpointType } from '../../db/schema.js';
import type { AddressLabelParts, CandidateContact, CandidateEndpoint, CandidateLink } from './recipients.js';

/** Contact flags. */
const COMPANY = 1;
const FROM_REGISTER = 2;
const PRIORITY = 4;
/** Endpoint flags: the type in the two low bits, then these. */
const ENDPOINT_FROM_REGISTER = 4;
const VERIFIED = 8;

const ENDPOINT_TYPES: readonly EndpointType[] = ['mobile', 'landline', 'email', 'push'];
const TYPE_CODE: Record<EndpointType, number> = { mobile: 0, landline: 1, email: 2, push: 3 };
/** The languages a contact may have; any other (or none) counts as none: the tenant's first applies. */
const LANGUAGES = ['', 'fi', 'sv', 'en'] as const;

export interface IndexedAddress {
  id: string;
  lon: number;
  lat: number;
  /** How messages name the address (absent where only the point is known, as in the rule tests). */
  street?: string;
  streetSv?: string | null;
  number?: string;
}

/** Street and number of addresses by id, as messages name them (a Map or an index). */
export interface AddressLabels {
  get(addressId: string): AddressLabelParts | undefined;
}

/** A contact read again after a change, with everything the index keeps of it; null contact = deleted. */
export interface ContactState {
  id: string;
  contact: CandidateContact | null;
  endpoints: readonly CandidateEndpoint[];
  links: ReadonlyArray<Pick<CandidateLink, 'addressId' | 'active'>>;
}

/** A contact's fields as the resolver reads them. */
export interface ContactFields {
  id: string;
  company: boolean;
  fromRegister: boolean;
  priority: boolean;
  /** YYYYMMDD, 0 when unknown. */
  birth: number;
  language: string;
}

export type EndpointVisitor = (type: EndpointType, value: string, fromRegister: boolean, verified: boolean) => void;

const birthNumber = (date: string | null): number =>
  date ? Number(date.slice(0, 4)) * 10_000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10)) : 0;
const contactFlags = (c: CandidateContact): number =>
  (c.kind === 'company' ? COMPANY : 0) |
  (c.source === 'register' ? FROM_REGISTER : 0) |
  (c.priority === 1 ? PRIORITY : 0);
const endpointFlags = (e: CandidateEndpoint): number =>
  TYPE_CODE[e.type] | (e.source === 'register' ? ENDPOINT_FROM_REGISTER : 0) | (e.verified === 1 ? VERIFIED : 0);
const languageCode = (language: string | null): number =>
  Math.max(0, LANGUAGES.indexOf((language ?? '') as (typeof LANGUAGES)[number]));

/** Compressed rows: `start[i]..start[i+1]` are the entries of owner i (counting sort, stable). */
function grouped(owners: Uint32Array, count: number): { start: Uint32Array; order: Uint32Array } {
  const start = new Uint32Array(count + 1);
  for (const o of owners) start[o + 1]!++;
  for (let i = 0; i < count; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, count);
  const order = new Uint32Array(owners.length);
  for (let k = 0; k < owners.length; k++) order[next[owners[k]!]!++] = k;
  return { start, order };
}

type NumberArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** A typed array that grows by doubling: given the row count up front, it never has to. */
class Column<A extends NumberArray> {
  length = 0;
  constructor(private array: A) {}

  push(value: number): void {
    if (this.length === this.array.length) {
      const grown = new (this.array.constructor as new (n: number) => A)(Math.max(16, this.array.length * 2));
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = value;
  }

  values(): A {
    return this.array.subarray(0, this.length) as A;
  }
}

/** How many rows of each table a loader expects (a guess is fine: the columns grow if it is short). */
export interface RegisterSizes {
  addresses: number;
  contacts: number;
  links: number;
  endpoints: number;
}

/**
 * Builds an index row by row: addresses and contacts first, then the links and endpoints that refer to
 * them (a row naming an unknown address or contact is left out, as a join would). Rows are taken one at
 * a time into typed columns sized up front, so that a loader can read in chunks and a million-row
 * register leaves little garbage behind (growing plain arrays left hundreds of MB of it).
 */
export class RegisterIndexBuilder {
  private readonly addressIds: string[] = [];
  private readonly lon: Column<Float64Array>;
  private readonly lat: Column<Float64Array>;
  private readonly addressIndex = new Map<string, number>();
  private readonly street: Column<Int32Array>;
  private readonly streetSv: Column<Int32Array>;
  private readonly number: Column<Int32Array>;
  /** Street names and house numbers, each kept once (a town has thousands, not a million). */
  private readonly words = new Map<string, number>();
  private readonly contactIds: string[] = [];
  private readonly contactIndex = new Map<string, number>();
  private readonly flags: Column<Uint8Array>;
  private readonly birth: Column<Int32Array>;
  private readonly language: Column<Uint8Array>;
  private readonly link: { address: Column<Uint32Array>; contact: Column<Uint32Array>; active: Column<Uint8Array> };
  private readonly endpoint: { contact: Column<Uint32Array>; flags: Column<Uint8Array>; value: string[] };

  constructor(sizes: RegisterSizes = { addresses: 0, contacts: 0, links: 0, endpoints: 0 }) {
    this.lon = new Column(new Float64Array(sizes.addresses));
    this.lat = new Column(new Float64Array(sizes.addresses));
    this.street = new Column(new Int32Array(sizes.addresses));
    this.streetSv = new Column(new Int32Array(sizes.addresses));
    this.number = new Column(new Int32Array(sizes.addresses));
    this.flags = new Column(new Uint8Array(sizes.contacts));
    this.birth = new Column(new Int32Array(sizes.contacts));
    this.language = new Column(new Uint8Array(sizes.contacts));
    this.link = {
      address: new Column(new Uint32Array(sizes.links)),
      contact: new Column(new Uint32Array(sizes.links)),
      active: new Column(new Uint8Array(sizes.links)),
    };
    this.endpoint = {
      contact: new Column(new Uint32Array(sizes.endpoints)),
      flags: new Column(new Uint8Array(sizes.endpoints)),
      value: [],
    };
  }

  addAddress(r: IndexedAddress): void {
    this.addressIndex.set(r.id, this.addressIds.length);
    this.addressIds.push(r.id);
    this.lon.push(r.lon);
    this.lat.push(r.lat);
    this.street.push(this.word(r.street));
    this.streetSv.push(this.word(r.streetSv));
    this.number.push(this.word(r.number));
  }

  /** The word's number in the word list, -1 for none. */
  private word(text: string | null | undefined): number {
    if (text === null || text === undefined) return -1;
    let n = this.words.get(text);
    if (n === undefined) this.words.set(text, (n = this.words.size));
    return n;
  }

  addContact(r: CandidateContact): void {
    this.contactIndex.set(r.id, this.contactIds.length);
    this.contactIds.push(r.id);
    this.flags.push(contactFlags(r));
    this.birth.push(birthNumber(r.birthDate));
    this.language.push(languageCode(r.language));
  }

  addLink(r: CandidateLink): void {
    const a = this.addressIndex.get(r.addressId);
    const c = this.contactIndex.get(r.contactId);
    if (a === undefined || c === undefined) return;
    this.link.address.push(a);
    this.link.contact.push(c);
    this.link.active.push(r.active);
  }

  addEndpoint(r: CandidateEndpoint): void {
    const c = this.contactIndex.get(r.contactId);
    if (c === undefined) return;
    this.endpoint.contact.push(c);
    this.endpoint.flags.push(endpointFlags(r));
    this.endpoint.value.push(r.value);
  }

  build(revision: number): RegisterIndex {
    const links = grouped(this.link.address.values(), this.addressIds.length);
    const endpoints = grouped(this.endpoint.contact.values(), this.contactIds.length);
    const linkContact = this.link.contact.values();
    const linkActive = this.link.active.values();
    const endpointFlagValues = this.endpoint.flags.values();
    const endpointValues = this.endpoint.value;
    const byLink = <A extends Uint32Array | Uint8Array>(target: A, source: A): A => {
      for (let k = 0; k < links.order.length; k++) target[k] = source[links.order[k]!]!;
      return target;
    };
    const flags = new Uint8Array(endpoints.order.length);
    const value = new Array<string>(endpoints.order.length);
    for (let k = 0; k < endpoints.order.length; k++) {
      flags[k] = endpointFlagValues[endpoints.order[k]!]!;
      value[k] = endpointValues[endpoints.order[k]!]!;
    }
    return new RegisterIndex(revision, {
      addressIds: this.addressIds,
      lon: this.lon.values(),
      lat: this.lat.values(),
      addressIndex: this.addressIndex,
      labels: {
        street: this.street.values(),
        streetSv: this.streetSv.values(),
        number: this.number.values(),
        words: [...this.words.keys()],
      },
      contactIds: this.contactIds,
      contactIndex: this.contactIndex,
      flags: this.flags.values(),
      birth: this.birth.values(),
      language: this.language.values(),
      links: {
        start: links.start,
        contact: byLink(new Uint32Array(links.order.length), linkContact),
        active: byLink(new Uint8Array(links.order.length), linkActive),
      },
      endpoints: { start: endpoints.start, flags, value },
    });
  }
}

interface Columns {
  addressIds: string[];
  lon: Float64Array;
  lat: Float64Array;
  addressIndex: Map<string, number>;
  /** Per address the word numbers of its street (fi, sv) and house number; -1 for none. */
  labels: { street: Int32Array; streetSv: Int32Array; number: Int32Array; words: string[] };
  contactIds: string[];
  contactIndex: Map<string, number>;
  flags: Uint8Array;
  birth: Int32Array;
  language: Uint8Array;
  links: { start: Uint32Array; contact: Uint32Array; active: Uint8Array };
  endpoints: { start: Uint32Array; flags: Uint8Array; value: string[] };
}

interface Patch {
  fields: ContactFields | null;
  endpoints: readonly CandidateEndpoint[];
  /** Address index → active, of the contact's current links. */
  links: Map<number, boolean>;
}

export class RegisterIndex {
  /** Contacts read again since the columns were built: their column entries are no longer looked at. */
  private readonly patches = new Map<number, Patch>();
  /** Per address, the patched contacts linked to it. */
  private readonly patchedLinks = new Map<number, Set<number>>();

  constructor(
    /** The register revision the index holds (every change up to it). */
    public revision: number,
    private readonly c: Columns,
  ) {}

  get addressCount(): number {
    return this.c.addressIds.length;
  }

  /** Contacts ever indexed (deleted ones included): the size of a per-contact scratch array. */
  get contactCount(): number {
    return this.c.contactIds.length;
  }

  /** How many contacts were patched since the build (the cache rebuilds when this grows large). */
  get patchCount(): number {
    return this.patches.size;
  }

  addressId(address: number): string {
    return this.c.addressIds[address]!;
  }

  indexOfAddress(id: string): number | undefined {
    return this.c.addressIndex.get(id);
  }

  /** Street and number of each address, by id (none where the rows gave only points). */
  readonly labels: AddressLabels = {
    get: (addressId) => {
      const a = this.c.addressIndex.get(addressId);
      if (a === undefined) return undefined;
      const { street, streetSv, number, words } = this.c.labels;
      if (street[a]! < 0 || number[a]! < 0) return undefined;
      return {
        street: words[street[a]!]!,
        streetSv: streetSv[a]! < 0 ? null : words[streetSv[a]!]!,
        number: words[number[a]!]!,
      };
    },
  };

  /** Every address's point, by address index (read-only views of the columns). */
  get points(): { readonly lon: Float64Array; readonly lat: Float64Array } {
    return { lon: this.c.lon, lat: this.c.lat };
  }

  /** "Street number" of the address (its Finnish or only name), or null where the rows gave only a point. */
  labelOf(address: number): string | null {
    const { street, number, words } = this.c.labels;
    if (street[address]! < 0) return null;
    return number[address]! < 0 ? words[street[address]!]! : `${words[street[address]!]!} ${words[number[address]!]!}`;
  }

  /** The house number of the address as written ("12 a"), or null. */
  numberOf(address: number): string | null {
    const { number, words } = this.c.labels;
    return number[address]! < 0 ? null : words[number[address]!]!;
  }

  /** The street name's word number of the address (-1 for none): addresses of one street share it. */
  streetOf(address: number): number {
    return this.c.labels.street[address]!;
  }

  /** The name of a street word number from `streetOf`. */
  word(n: number): string {
    return this.c.labels.words[n]!;
  }

  /** The addresses whose point lies in the box and passes `test` (indexes, in register order). */
  addressesIn(box: readonly [number, number, number, number], test: (lon: number, lat: number) => boolean): number[] {
    const [minLon, minLat, maxLon, maxLat] = box;
    const { lon, lat } = this.c;
    const out: number[] = [];
    for (let i = 0; i < lon.length; i++) {
      const x = lon[i]!;
      const y = lat[i]!;
      if (x >= minLon && x <= maxLon && y >= minLat && y <= maxLat && test(x, y)) out.push(i);
    }
    return out;
  }

  /** Calls `visit` for each contact linked to the address, with whether the link has alerts on. */
  forEachLink(address: number, visit: (contact: number, active: boolean) => void): void {
    const { start, contact, active } = this.c.links;
    const anyPatched = this.patches.size > 0;
    for (let k = start[address]!; k < start[address + 1]!; k++) {
      const c = contact[k]!;
      // A patched contact's links are its patch's (below), not the columns'.
      if (anyPatched && this.patches.has(c)) continue;
      visit(c, active[k] === 1);
    }
    const patched = this.patchedLinks.get(address);
    if (patched) for (const c of patched) visit(c, this.patches.get(c)!.links.get(address)!);
  }

  /** The contact's fields; null for a contact deleted since the build. */
  contact(c: number): ContactFields | null {
    const patch = this.patches.get(c);
    if (patch) return patch.fields;
    const flags = this.c.flags[c]!;
    return {
      id: this.c.contactIds[c]!,
      company: (flags & COMPANY) !== 0,
      fromRegister: (flags & FROM_REGISTER) !== 0,
      priority: (flags & PRIORITY) !== 0,
      birth: this.c.birth[c]!,
      language: LANGUAGES[this.c.language[c]!]!,
    };
  }

  endpointCount(c: number): number {
    const patch = this.patches.get(c);
    if (patch) return patch.endpoints.length;
    return this.c.endpoints.start[c + 1]! - this.c.endpoints.start[c]!;
  }

  forEachEndpoint(c: number, visit: EndpointVisitor): void {
    const patch = this.patches.get(c);
    if (patch) {
      for (const e of patch.endpoints) visit(e.type, e.value, e.source === 'register', e.verified === 1);
      return;
    }
    const { start, flags, value } = this.c.endpoints;
    for (let k = start[c]!; k < start[c + 1]!; k++) {
      const f = flags[k]!;
      visit(ENDPOINT_TYPES[f & 3]!, value[k]!, (f & ENDPOINT_FROM_REGISTER) !== 0, (f & VERIFIED) !== 0);
    }
  }

  /** Replaces what the index holds of these contacts with their current state (read after the change). */
  patch(states: readonly ContactState[]): void {
    for (const state of states) {
      let c = this.c.contactIndex.get(state.id);
      if (c === undefined) {
        if (state.contact === null) continue;
        c = this.c.contactIds.length;
        this.c.contactIds.push(state.id);
        this.c.contactIndex.set(state.id, c);
      }
      const old = this.patches.get(c);
      if (old) for (const address of old.links.keys()) this.patchedLinks.get(address)?.delete(c);
      const links = new Map<number, boolean>();
      if (state.contact) {
        for (const link of state.links) {
          const address = this.c.addressIndex.get(link.addressId);
          if (address === undefined) continue;
          links.set(address, link.active === 1);
          let set = this.patchedLinks.get(address);
          if (!set) this.patchedLinks.set(address, (set = new Set()));
          set.add(c);
        }
      }
      const fields: ContactFields | null = state.contact && {
        id: state.id,
        company: state.contact.kind === 'company',
        fromRegister: state.contact.source === 'register',
        priority: state.contact.priority === 1,
        birth: birthNumber(state.contact.birthDate),
        language: LANGUAGES[languageCode(state.contact.language)]!,
      };
      this.patches.set(c, { fields, endpoints: state.contact ? state.endpoints : [], links });
    }
  }
}
