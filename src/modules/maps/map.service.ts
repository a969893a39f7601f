/**
 * What operator maps draw of the tenant's register: its address points as tiles (binned when zoomed
 * out, labelled points at street level), with an incident's addresses marked inside. Read from the
 * process's register index (current as of each call), so the map shows what a preview would count.
 */
import { NotFoundError } from '../../errors.js';
import type { TenantId } from '../../kernel/tenant-id.js';
import type { RegisterIndex } from '../recipients/register-index.js';
import type { Incident } from '../incidents/incident.types.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { BBox } from '../../lib/geo.js';
import { AddressTileIndex, type AddressTile, type InsideMarks } from './address-tiles.js';
import { linesIn, streetLines, type StreetLine } from './street-lines.js';

export interface MapServiceDeps {
  registers: { get(tenantId: TenantId): Promise<RegisterIndex> };
  findIncident: (tenantId: TenantId, id: string) => Promise<Incident | undefined>;
  /** The addresses an incident's area holds, as the preview counts them. */
  addressesOf: (tenant: Tenant, incident: Incident) => Promise<{ index: RegisterIndex; inside: number[] }>;
}

/** Incidents whose inside marks are kept (a few operators drawing at once). */
const MARKS_KEPT = 8;
/** Street lines in one answer, at most (the longest when more meet the box). */
const MAX_STREET_LINES = 3000;

export function tileIndexOf(index: RegisterIndex): AddressTileIndex {
  const { lon, lat } = index.points;
  return AddressTileIndex.build({
    count: index.addressCount,
    lon: (i) => lon[i]!,
    lat: (i) => lat[i]!,
    label: (i) => index.labelOf(i),
    number: (i) => index.numberOf(i),
  });
}

export function mapService(deps: MapServiceDeps) {
  // A new register index (an import) gets new tiles; patches change contacts, never points.
  const tiles = new WeakMap<RegisterIndex, AddressTileIndex>();
  const marks = new Map<string, { index: RegisterIndex; marks: InsideMarks }>();
  const streets = new WeakMap<RegisterIndex, StreetLine[]>();

  function tilesOf(index: RegisterIndex): AddressTileIndex {
    let built = tiles.get(index);
    if (!built) tiles.set(index, (built = tileIndexOf(index)));
    return built;
  }

  async function insideMarks(
    tenant: Tenant,
    incidentId: string,
    index: RegisterIndex,
    tileIndex: AddressTileIndex,
  ): Promise<InsideMarks> {
    const incident = await deps.findIncident(tenant.id, incidentId);
    if (!incident) throw new NotFoundError(`incident ${incidentId}`);
    const key = `${tenant.id}\u0000${incident.id}\u0000${incident.updatedAt}`;
    const hit = marks.get(key);
    if (hit && hit.index === index) return hit.marks;
    const { inside } = await deps.addressesOf(tenant, incident);
    const fresh = tileIndex.markInside(inside);
    marks.delete(key);
    marks.set(key, { index, marks: fresh });
    if (marks.size > MARKS_KEPT) marks.delete(marks.keys().next().value!);
    return fresh;
  }

  return {
    /** One tile of the tenant's address points; with an incident, its addresses marked inside. */
    async addressTile(tenant: Tenant, z: number, x: number, y: number, incidentId?: string): Promise<AddressTile> {
      const index = await deps.registers.get(tenant.id);
      const tileIndex = tilesOf(index);
      const inside = incidentId ? await insideMarks(tenant, incidentId, index, tileIndex) : undefined;
      return tileIndex.tile(z, x, y, inside);
    },

    /** The streets derived from the tenant's addresses that meet the box. */
    async streetLines(tenant: Tenant, box: BBox): Promise<StreetLine[]> {
      const index = await deps.registers.get(tenant.id);
      let lines = streets.get(index);
      if (!lines) {
        const { lon, lat } = index.points;
        lines = streetLines({
          count: index.addressCount,
          lon: (i) => lon[i]!,
          lat: (i) => lat[i]!,
          street: (i) => index.streetOf(i),
          number: (i) => index.numberOf(i),
          streetName: (n) => index.word(n),
        });
        streets.set(index, lines);
      }
      return linesIn(lines, box, MAX_STREET_LINES);
    },
  };
}

export type MapService = ReturnType<typeof mapService>;
