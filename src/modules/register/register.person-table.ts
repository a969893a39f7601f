/**
 * Every person of an import (the stored register's and the file's) in typed arrays instead of a Map of
 * strings: a person key is the 128-bit hex of a keyed hash (register.keys.ts), kept as four 32-bit words;
 * a stored person's fingerprint is one 53-bit number. About 30 bytes a slot and two slots a person, a
 * fifth of what a Map<string, string> held (measured: 160 bytes a person). Open addressing with linear
 * probing on the key's first word, which is already uniformly random.
 *
 * A key of another shape (contacts written by something else than an import) is hashed to the same
 * 128-bit form and remembered in a side map, so that the sweep can still name it.
 */
import { createHash } from 'node:crypto';

const CANONICAL = /^[0-9a-f]{32}$/;
const MIN_CAPACITY = 1024;

const FLAG_USED = 1;
const FLAG_STORED = 2;
/** Stored twice: never unchanged, always the full comparison. */
const FLAG_DUPLICATE = 4;

export class PersonTable {
  private capacity = 0;
  private mask = 0;
  private keys = new Uint32Array(0);
  private prints = new Float64Array(0);
  /** Line the person was met on: 0 not yet, > 0 kept, < 0 rejected or skipped. */
  private lines = new Int32Array(0);
  private flags = new Uint8Array(0);
  private count = 0;
  private readonly odd = new Map<string, string>();

  constructor(expected = 0) {
    this.allocate(Math.max(MIN_CAPACITY, nextPowerOfTwo(expected * 2)));
  }

  /** Persons held. */
  get size(): number {
    return this.count;
  }

  /** Records a stored person (loading the snapshot); a second one of the same key marks a duplicate. */
  store(key: string, print: number): void {
    const slot = this.slotOf(key, true);
    if (this.flags[slot]! & FLAG_STORED) this.flags[slot]! |= FLAG_DUPLICATE;
    this.flags[slot]! |= FLAG_STORED;
    this.prints[slot] = print;
  }

  /**
   * What is known of the person: undefined when neither stored nor met, 0 when stored and not met
   * yet, otherwise the line they were met on (negative: rejected or skipped).
   */
  met(key: string): number | undefined {
    const slot = this.slotOf(key, false);
    return slot < 0 ? undefined : this.lines[slot];
  }

  /** Whether the person is stored once, with exactly this fingerprint. */
  unchanged(key: string, print: number): boolean {
    const slot = this.slotOf(key, false);
    return (
      slot >= 0 && (this.flags[slot]! & (FLAG_STORED | FLAG_DUPLICATE)) === FLAG_STORED && this.prints[slot] === print
    );
  }

  /** Marks the person met on `line` (negative: not kept). */
  meet(key: string, line: number): void {
    this.lines[this.slotOf(key, true)] = line;
  }

  /** Keys of the stored persons never met. */
  *unmet(): Generator<string> {
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.flags[slot]! & FLAG_STORED && this.lines[slot] === 0) {
        const hex = this.hexAt(slot);
        yield this.odd.get(hex) ?? hex;
      }
    }
  }

  private hexAt(slot: number): string {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += this.keys[slot * 4 + i]!.toString(16).padStart(8, '0');
    return hex;
  }

  private slotOf(key: string, insert: boolean): number {
    let hex = key;
    if (!CANONICAL.test(key)) {
      hex = createHash('md5').update(key).digest('hex');
      if (insert) this.odd.set(hex, key);
    }
    const a = parseInt(hex.slice(0, 8), 16);
    const b = parseInt(hex.slice(8, 16), 16);
    const c = parseInt(hex.slice(16, 24), 16);
    const d = parseInt(hex.slice(24, 32), 16);
    const { keys, flags, mask } = this;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      if (flags[slot] === 0) {
        if (!insert) return -1;
        return this.insertAt(slot, a, b, c, d);
      }
      const at = slot * 4;
      if (keys[at] === a && keys[at + 1] === b && keys[at + 2] === c && keys[at + 3] === d) return slot;
    }
  }

  private insertAt(slot: number, a: number, b: number, c: number, d: number): number {
    if ((this.count + 1) * 10 > this.capacity * 7) {
      this.grow();
      return this.slotOf(hexOf(a, b, c, d), true);
    }
    const at = slot * 4;
    this.keys[at] = a;
    this.keys[at + 1] = b;
    this.keys[at + 2] = c;
    this.keys[at + 3] = d;
    this.flags[slot] = FLAG_USED;
    this.count++;
    return slot;
  }

  private allocate(capacity: number): void {
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.keys = new Uint32Array(capacity * 4);
    this.prints = new Float64Array(capacity);
    this.lines = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  private grow(): void {
    const { keys, prints, lines, flags, capacity } = this;
    this.allocate(capacity * 2);
    for (let old = 0; old < capacity; old++) {
      if (flags[old] === 0) continue;
      let slot = keys[old * 4]! & this.mask;
      while (this.flags[slot] !== 0) slot = (slot + 1) & this.mask;
      this.keys.set(keys.subarray(old * 4, old * 4 + 4), slot * 4);
      this.prints[slot] = prints[old]!;
      this.lines[slot] = lines[old]!;
      this.flags[slot] = flags[old]!;
    }
  }
}

const hexOf = (...words: number[]): string => words.map((w) => w.toString(16).padStart(8, '0')).join('');

function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}
