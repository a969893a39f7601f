/**
 * A small town for the browser tests: a tenant whose service area is a square around Mänttä, and a
 * few streets of addresses, among them the "131a" / "131b" pair of the source pages.
 */
import type { Context } from '../../src/context.js';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { AVISO_HEADER, buildTenant, importCsv, square } from '../factories.js';

export const CENTER = { lon: 24.62, lat: 62.03 } as const;

function row(id: string, street: string, streetSv: string, number: string, lat: number, lon: number): string {
  return [id, street, streetSv, number, '35800', 'Mänttä', 'Mänttä-Vilppula', '', '', lat, lon].join(',');
}

/** 40 addresses on two streets near the centre, plus Birger Jarlsgatan 131a and 131b. */
export function townRows(): string[] {
  const rows: string[] = [];
  for (let n = 1; n <= 20; n++) {
    rows.push(row(`kk-${n}`, 'Koulukatu', 'Skolgatan', String(n), CENTER.lat + n * 0.0002, CENTER.lon - 0.002));
    rows.push(row(`pk-${n}`, 'Puistokatu', 'Parkgatan', String(n), CENTER.lat + n * 0.0002, CENTER.lon + 0.002));
  }
  rows.push(row('bj-131a', 'Birger Jarlsgatan', 'Birger Jarlsgatan', '131a', CENTER.lat - 0.004, CENTER.lon));
  rows.push(row('bj-131b', 'Birger Jarlsgatan', 'Birger Jarlsgatan', '131b', CENTER.lat - 0.0042, CENTER.lon));
  return rows;
}

export async function buildTown(context: Context, slug = 'mantta', name = 'Mäntän Vesi'): Promise<Tenant> {
  const tenant = await buildTenant(context, {
    slug,
    name,
    languages: ['fi', 'sv', 'en'],
    serviceArea: square(CENTER.lon, CENTER.lat, 0.05),
  });
  await importCsv(context, tenant, [AVISO_HEADER, ...townRows()]);
  return tenant;
}
