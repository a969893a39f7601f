/**
 * What the register holds before an import, in memory: a fingerprint of each register person's
 * register-sourced data (names, birth date, numbers, addresses), read once in contact order into a
 * compact table (register.person-table.ts). A row whose fingerprint is the stored one changes nothing
 * and costs no query; only new and changed persons go to the batches. After the rows, the persons never
 * met are the ones the file no longer has. About 60 bytes a person.
 */
import type { TenantId } from '../../kernel/tenant-id.js';
import { PersonTable } from './register.person-table.js';
import type { RegisterRepository } from './register.repository.js';

export type PersonStates = PersonTable;

const PAGE = 5000;

/**
 * 53 bits of a 64-bit FNV-1a (two 32-bit lanes) of the text, as one number: fast, and the chance that a
 * changed person keeps their fingerprint is 2^-53.
 */
function hash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + (b >>> 11);
}

/** The fingerprint of a person's register data: numbers and addresses in any order. */
export function fingerprint(
  firstName: string | null,
  lastName: string | null,
  birthDate: string | null,
  numbers: string[],
  addressIds: string[],
): number {
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
export async function loadPersonStates(
  repo: RegisterRepository,
  tenantId: TenantId,
): Promise<{ states: PersonStates; stored: number }> {
  const states = new PersonTable();
  for (let after = ''; ;) {
    const contacts = await repo.registerContactsPage(tenantId, after, PAGE);
    if (contacts.length === 0) break;
    const range = { from: contacts[0]!.id, to: contacts[contacts.length - 1]!.id };
    const numbers = groupBy(await repo.registerEndpointsIn(tenantId, range), (e) => e.value);
    const addresses = groupBy(await repo.registerLinksIn(tenantId, range), (l) => l.address_id);
    for (const c of contacts) {
      states.store(
        c.person_id,
        fingerprint(c.first_name, c.last_name, c.birth_date, numbers.get(c.id) ?? [], addresses.get(c.id) ?? []),
      );
    }
    if (contacts.length < PAGE) break;
    after = range.to;
  }
  return { states, stored: states.size };
}
