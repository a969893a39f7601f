/**
 * The demo tenant: a small town modelled on the source page's utility in Mänttä, with a few thousand
 * generated addresses on real postal codes, so that every feature has something real-looking to show.
 */
import { Readable } from 'node:stream';
import type { Context } from '../context.js';
import { importAddresses, type AddressImportReport } from '../modules/addresses/address.import.js';
import type { NetworkImportResult } from '../modules/network/network-import.js';
import type { Tenant } from '../modules/tenants/tenant.types.js';
import { postalCodesOfMunicipality } from './postal-codes.js';
import { generatePipeGrid } from './pipe-grid.js';
import { generateTown, toAvisoCsv, townServiceArea } from './town.js';

export const DEMO_SLUG = 'mantta';
const CENTRE = [24.6226, 62.0296] as const;
const RADIUS = 4500;

/**
 * The town's water network: mains on a 150 m grid over the built-up area (loops, some lines left out,
 * so dead ends), a valve on most lines (a few closed, a few that cannot be operated), four sources on
 * its southern edge. Houses lie up to 75 m from a main: they connect to the nearest within 80 m.
 */
function demoNetwork(): string {
  const features = [
    ...generatePipeGrid({
      seed: 508,
      centre: CENTRE,
      nodesPerSide: 51,
      spacingMetres: 150,
      piecesPerBlock: 1,
      dropShare: 0.08,
      valveShare: 0.85,
      closedShare: 0.02,
      inoperableShare: 0.06,
      sources: 4,
    }),
  ];
  return JSON.stringify({ type: 'FeatureCollection', features });
}

export interface DemoResult {
  tenant: Tenant;
  created: boolean;
  report?: AddressImportReport;
  network?: NetworkImportResult;
}

export async function createDemo(
  context: Pick<Context, 'db' | 'tenants' | 'clock' | 'networks'>,
  addresses = 3000,
): Promise<DemoResult> {
  const existing = await context.tenants.findTenant(DEMO_SLUG);
  if (existing) return { tenant: existing, created: false };
  const tenant = await context.tenants.createTenant({
    slug: DEMO_SLUG,
    name: 'Mäntän Vesi ja Lämpö (demo)',
    languages: ['fi', 'sv', 'en'],
    services: ['water', 'sewer', 'district-heating'],
    serviceArea: townServiceArea(CENTRE, RADIUS * 1.2),
    smsSender: 'MantanVesi',
    contactInfo: { phone: '+358 3 488 8111', email: 'asiakaspalvelu@example.fi', url: 'https://example.fi/hairiot' },
  });
  const postalCodes = postalCodesOfMunicipality('508').filter(([code]) => code.startsWith('358'));
  const town = generateTown({
    seed: 508,
    centre: CENTRE,
    radiusMetres: RADIUS,
    streets: 120,
    addresses,
    postalCodes: postalCodes.length > 0 ? postalCodes : [['35800', 'Mänttä']],
    municipality: 'Mänttä-Vilppula',
    idPrefix: 'demo-',
    swedish: true,
  });
  const report = await importAddresses(context.db, tenant, Readable.from(toAvisoCsv(town)), {
    format: 'aviso',
    now: context.clock.now(),
  });
  const network = await context.networks.importNetwork(tenant, 'water', Readable.from([demoNetwork()]), {
    now: context.clock.now(),
    connectWithinMetres: 80,
  });
  return { tenant, created: true, report, network };
}
