/** Factories for tests: tenants with a square service area, addresses from inline rows. */
import { Readable } from 'node:stream';
import type { Polygon } from 'geojson';
import type { Context } from '../src/context.js';
import { importAddresses } from '../src/modules/addresses/address.import.js';
import type { Tenant } from '../src/modules/tenants/tenant.types.js';
import type { TenantInput } from '../src/modules/tenants/tenant.schemas.js';

let counter = 0;

/** A square around (lon, lat) of `half` degrees each way. */
export function square(lon: number, lat: number, half: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
      ],
    ],
  };
}

export async function buildTenant(context: Context, input: Partial<TenantInput> = {}): Promise<Tenant> {
  counter++;
  return context.tenants.createTenant({
    slug: `town-${counter}-${Math.random().toString(36).slice(2, 6)}`,
    name: `Town ${counter}`,
    languages: ['fi', 'sv'],
    serviceArea: square(24.62, 62.03, 0.1),
    ...input,
  });
}

export const AVISO_HEADER =
  'id,street,street_sv,number,postal_code,postal_town,municipality,property_id,building_id,lat,lon';

export async function importCsv(
  context: Context,
  tenant: Tenant,
  lines: string[],
  format: 'aviso' | 'openaddresses' = 'aviso',
  crs?: string,
) {
  return importAddresses(context.db, tenant, Readable.from([lines.join('\n') + '\n']), {
    format,
    now: context.clock.now(),
    ...(crs ? { crs } : {}),
  });
}
