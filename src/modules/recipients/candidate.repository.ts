/**
 * What recipient resolution reads from the database rather than from the register index: the addresses
 * on selected streets (either language) or in selected postal codes, by their indexes, with the fields
 * the area's matcher looks at (number ranges and sides are the matcher's to decide). Shapes are the
 * register index's.
 */
import { optedOutNumbers } from '../replies/sms-replies.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { foldText } from '../../lib/text.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { AffectedArea } from '../incidents/area.js';
import type { CandidateAddress } from './recipients.js';

type StreetSelection = Pick<AffectedArea, 'streets' | 'postalCodes'>;

export function candidateRepository(db: Kysely<Database>) {
  const selected = db
    .selectFrom('addresses')
    .select(['id', 'lon', 'lat', 'number_int', 'postal_code', 'street_key', 'street_key_sv']);
  const toAddress = (r: {
    id: string;
    lon: number;
    lat: number;
    number_int: number | null;
    postal_code: string;
    street_key: string;
    street_key_sv: string | null;
  }): CandidateAddress => ({
    id: r.id,
    lon: r.lon,
    lat: r.lat,
    numberInt: r.number_int,
    postalCode: r.postal_code,
    streetKey: r.street_key,
    streetKeySv: r.street_key_sv,
  });

  return {
    /** Numbers that answered STOP to the tenant's notices (read at each resolution: no index to invalidate). */
    optedOut: (tenantId: string) => optedOutNumbers(db, tenantId),
    /** Addresses on the selected streets or in the selected postal codes (each once). */
    async onStreetsOrPostalCodes(tenantId: TenantId, area: StreetSelection): Promise<CandidateAddress[]> {
      const byId = new Map<string, CandidateAddress>();
      const keys = [...new Set(area.streets.map((s) => foldText(s.street)))];
      if (keys.length) {
        const rows = await selected
          .where('tenant_id', '=', tenantId)
          .where((eb) => eb.or([eb('street_key', 'in', keys), eb('street_key_sv', 'in', keys)]))
          .execute();
        for (const r of rows) byId.set(r.id, toAddress(r));
      }
      if (area.postalCodes.length) {
        const rows = await selected
          .where('tenant_id', '=', tenantId)
          .where('postal_code', 'in', area.postalCodes)
          .execute();
        for (const r of rows) byId.set(r.id, toAddress(r));
      }
      return [...byId.values()];
    },
  };
}

export type CandidateRepository = ReturnType<typeof candidateRepository>;
