/**
 * Generated residents for the dispatch benchmark, deterministic per seed: public-register persons (with
 * birth dates, so about one in six is under 16) and self-registered ones, one main address each and
 * sometimes an extra one, mobiles, landlines and emails, families sharing a number, deactivated
 * addresses, unverified numbers and a few priority subscribers.
 */
import { newId } from '../../src/lib/ids.js';
import { seededRandom } from '../../src/demo/random.js';

export interface PeopleRows {
  contacts: unknown[][];
  endpoints: unknown[][];
  links: unknown[][];
}

export const CONTACT_COLUMNS = [
  ['id', 'text'],
  ['tenant_id', 'text'],
  ['kind', 'text'],
  ['source', 'text'],
  ['person_id', 'text'],
  ['birth_date', 'text'],
  ['language', 'text'],
  ['name_hidden', 'integer'],
  ['priority', 'integer'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
] as const;
export const ENDPOINT_COLUMNS = [
  ['id', 'text'],
  ['tenant_id', 'text'],
  ['contact_id', 'text'],
  ['type', 'text'],
  ['value', 'text'],
  ['source', 'text'],
  ['verified', 'integer'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
] as const;
export const LINK_COLUMNS = [
  ['id', 'text'],
  ['tenant_id', 'text'],
  ['contact_id', 'text'],
  ['address_id', 'text'],
  ['role', 'text'],
  ['source', 'text'],
  ['active', 'integer'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
] as const;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** People in chunks of `chunk` contacts, so that a million rows never sit in memory at once. */
export function* generatePeople(
  tenantId: string,
  addressIds: readonly string[],
  count: number,
  seed: number,
  now: number,
  chunk = 20_000,
): Generator<PeopleRows> {
  const random = seededRandom(seed);
  let lastMobile = '';
  for (let start = 0; start < count; start += chunk) {
    const rows: PeopleRows = { contacts: [], endpoints: [], links: [] };
    for (let i = start; i < Math.min(count, start + chunk); i++) {
      const id = newId();
      const register = random() < 0.7;
      const source = register ? 'register' : 'self';
      const year = 1930 + Math.floor(random() * 95);
      const birth = register
        ? `${year}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`
        : null;
      const r = random();
      const language = r < 0.85 ? 'fi' : r < 0.95 ? 'sv' : 'en';
      rows.contacts.push([
        id,
        tenantId,
        'person',
        source,
        register ? `p${i}` : null,
        birth,
        language,
        0,
        random() < 0.005 ? 1 : 0,
        now,
        now,
      ]);
      const main = addressIds[Math.floor(random() * addressIds.length)]!;
      rows.links.push([newId(), tenantId, id, main, 'main', source, random() < 0.03 ? 0 : 1, now, now]);
      if (random() < 0.1) {
        const extra = addressIds[Math.floor(random() * addressIds.length)]!;
        if (extra !== main)
          rows.links.push([newId(), tenantId, id, extra, 'extra', source, random() < 0.03 ? 0 : 1, now, now]);
      }
      const verified = register || random() > 0.05 ? 1 : 0;
      if (random() < 0.9) {
        // One in twenty shares the previous person's number (a family phone): one message for both.
        const mobile = lastMobile && random() < 0.05 ? lastMobile : `+35840${String(1_000_000 + i).padStart(7, '0')}`;
        lastMobile = mobile;
        rows.endpoints.push([newId(), tenantId, id, 'mobile', mobile, source, verified, now, now]);
      }
      if (random() < 0.1)
        rows.endpoints.push([
          newId(),
          tenantId,
          id,
          'landline',
          `+3583${String(1_000_000 + i).padStart(7, '0')}`,
          source,
          1,
          now,
          now,
        ]);
      if (random() < 0.2)
        rows.endpoints.push([newId(), tenantId, id, 'email', `person${i}@example.fi`, source, verified, now, now]);
    }
    yield rows;
  }
}
