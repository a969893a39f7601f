/**
 * What the register holds before an import, in memory: a fingerprint of each register person's
 * register-sourced data (names, birth date, numbers, addresses), read once in contact order. A row
 * whose fingerprint is the stored one changes nothing and costs no query; only new and changed persons
 * go to the batches. After the rows, the persons whose entry was never met are the ones the file no
 * longer has. About 150 bytes a person.
 *
 * The map's values tell each person's state:
 *  - string: a stored person not (yet) met in the file — their fingerprint;
 *  - positive number: met on that line and kept (or added);
 *  - negative number: met on that line and rejected or skipped.
 */
import type { TenantId } from '../../lib/tenant-id.js';
import type { RegisterRepository } from './register.repository.js';

export type PersonStates = Map<string, string | number>;

/** Never equal to a fingerprint: a person stored twice always takes the full comparison. */
const DUPLICATE = '!';
const PAGE = 20_000;

/** 64-bit FNV-1a (two 32-bit lanes) of the text, in base 36: fast, and collisions are astronomically rare. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(36) + '.' + (b >>> 0).toString(36);
}

/** The fingerprint of a person's register data: numbers and addresses in any order. */
export function fingerprint(firstName: string | null, lastName: string | null, birthDate: string | null, numbers: string[], addressIds: string[]): string {
  return hash([firstName, lastName, birthDate, numbers.sort().join(','), addressIds.sort().join(',')].join('\u0001'));
}

function groupBy<T extends { contact_id: string }, V>(rows: T[], value: (row: T) => V): Map<string, V[]> {
  const grouped = new Map<string, V[]>();
  for (const row of rows) {
    let list = grouped.get(row.contact_id);
    if (!list) grouped.set(row.contact_id, (list = []));
    list.push(value(row));
  }
  return grouped;
}

/** Reads the tenant's register persons a page at a time (contacts in id order, their numbers and addresses by range). */
export async function loadPersonStates(repo: RegisterRepository, tenantId: TenantId): Promise<{ states: PersonStates; stored: number }> {
  const states: PersonStates = new Map();
  for (let after = ''; ; ) {
    const contacts = await repo.registerContactsPage(tenantId, after, PAGE);
    if (contacts.length === 0) break;
    const range = { from: contacts[0]!.id, to: contacts[contacts.length - 1]!.id };
    const numbers = groupBy(await repo.registerEndpointsIn(tenantId, range), (e) => e.value);
    const addresses = groupBy(await repo.registerLinksIn(tenantId, range), (l) => l.address_id);
    for (const c of contacts) {
      const print = fingerprint(c.first_name, c.last_name, c.birth_date, numbers.get(c.id) ?? [], addresses.get(c.id) ?? []);
      states.set(c.person_id, states.has(c.person_id) ? DUPLICATE : print);
    }
    if (contacts.length < PAGE) break;
    after = range.to;
  }
  return { states, stored: states.size };
}
