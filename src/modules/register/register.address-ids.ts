/**
 * The address ids of the in-memory address index (register.address-index.ts), compactly: an id in the
 * canonical UUID form (what `newId()` makes) is kept as four 32-bit words (16 bytes instead of a 56-byte
 * string), any other id as it is. Ids are numbered in the order they are added.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const hex8 = (word: number): string => word.toString(16).padStart(8, '0');

export class AddressIds {
  private words = new Uint32Array(4 * 1024);
  private count = 0;
  private readonly other = new Map<number, string>();

  /** Adds an id; returns its number. */
  add(id: string): number {
    const slot = this.count++;
    if (slot * 4 >= this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    if (!UUID.test(id)) {
      this.other.set(slot, id);
      return slot;
    }
    const at = slot * 4;
    this.words[at] = parseInt(id.slice(0, 8), 16);
    this.words[at + 1] = parseInt(id.slice(9, 13) + id.slice(14, 18), 16);
    this.words[at + 2] = parseInt(id.slice(19, 23) + id.slice(24, 28), 16);
    this.words[at + 3] = parseInt(id.slice(28, 36), 16);
    return slot;
  }

  /** The id numbered `slot`. */
  at(slot: number): string {
    const other = this.other.get(slot);
    if (other !== undefined) return other;
    const at = slot * 4;
    const b = hex8(this.words[at + 1]!);
    const c = hex8(this.words[at + 2]!);
    return `${hex8(this.words[at]!)}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${hex8(this.words[at + 3]!)}`;
  }
}
