/**
 * What the public sees of incidents: the published ones that are current or planned (and, for a day,
 * those that just ended, so that feeds can say so), with their area, times, service, status and public
 * text, and the kind of their latest message (CAP's msgType). Never recipients.
 */
import type { Clock } from '../../lib/clock.js';
import type { AddressRepository } from '../addresses/address.repository.js';
import { parseAddressQuery, searchAddresses, toAddressView, type AddressView } from '../addresses/address.search.js';
import { areaMatcher } from '../incidents/area.js';
import type { IncidentRepository } from '../incidents/incident.repository.js';
import type { Incident } from '../incidents/incident.types.js';
import type { MessageRepository } from '../dispatch/message.repository.js';
import { fillAddress, type MessageKind } from '../incidents/notice-text.js';
import type { Tenant } from '../tenants/tenant.types.js';
import type { CandidateRepository } from '../recipients/candidate.repository.js';
import { circleAround, type Circle } from './circle.js';

/** How long an ended incident stays in the feeds. */
export const ENDED_VISIBLE_MS = 24 * 3_600_000;

export type PublicStatus = 'active' | 'planned' | 'resolved' | 'cancelled';

export interface PublicMessage {
  id: string;
  kind: MessageKind;
  sentAt: number;
  /**
   * Per language, the text with the recipient's address replaced by the area's description: only the
   * languages the message was written in (or, when none was, whose template it used), never another
   * language's text standing in for a missing one.
   */
  texts: Record<string, string>;
}

/** A selection of the area that has no drawn shape (a postal code, the chosen streets), given one as a circle. */
export interface SelectionShape {
  /** The postal code this shape is; absent for the streets. */
  postalCode?: string;
  /** The circle around the selection's addresses (centre and radius), for CAP's <circle>. */
  circle: Circle;
}

export interface PublicIncident {
  incident: Incident;
  /** Postal codes and streets as circles around their addresses (those with addresses only). */
  selectionShapes: SelectionShape[];
  status: PublicStatus;
  /** A short description of the area in words (streets, postal codes), for CAP's areaDesc. */
  areaDescription: string;
  publicText: string;
  /** Messages that went out, oldest first. */
  messages: PublicMessage[];
}

export interface FeedDeps {
  incidents: IncidentRepository;
  candidates: Pick<CandidateRepository, 'onStreetsOrPostalCodes'>;
  messages: MessageRepository;
  addresses: AddressRepository;
  clock: Clock;
}

function describeArea(incident: Incident): string {
  const streets = incident.streets.map((s) =>
    [
      s.street,
      s.from !== undefined || s.to !== undefined ? `${s.from ?? ''}-${s.to ?? ''}` : '',
      s.side && s.side !== 'both' ? `(${s.side})` : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
  const parts = [...streets, ...incident.postalCodes];
  return parts.length ? `${incident.title}: ${parts.join(', ')}` : incident.title;
}

/** The languages a message was written in; 'all' when none was given (every language had its template). */
function ownLanguages(given: Record<string, unknown>): Set<string> | 'all' {
  const written = Object.entries(given)
    .filter(([, text]) => typeof text === 'string' && text.trim() !== '')
    .map(([lang]) => lang);
  return written.length ? new Set(written) : 'all';
}

function publicStatus(incident: Incident, now: number): PublicStatus {
  if (incident.status === 'resolved' || incident.status === 'cancelled') return incident.status;
  return incident.startsAt !== null && incident.startsAt > now ? 'planned' : 'active';
}

export function feedService(deps: FeedDeps) {
  /** A circle per postal code and one around the streets' addresses (the matcher decides numbers and sides). */
  async function selectionShapes(tenant: Tenant, incident: Incident): Promise<SelectionShape[]> {
    if (incident.streets.length === 0 && incident.postalCodes.length === 0) return [];
    const candidates = await deps.candidates.onStreetsOrPostalCodes(tenant.id, {
      streets: incident.streets,
      postalCodes: incident.postalCodes,
    });
    const shapes: SelectionShape[] = [];
    for (const postalCode of incident.postalCodes) {
      const circle = circleAround(candidates.filter((a) => a.postalCode === postalCode));
      if (circle) shapes.push({ postalCode, circle });
    }
    const onStreets = areaMatcher({ polygons: [], streets: incident.streets, postalCodes: [] });
    const streets = incident.streets.length ? circleAround(candidates.filter(onStreets)) : null;
    if (streets) shapes.push({ circle: streets });
    return shapes;
  }

  async function publicIncidents(tenant: Tenant): Promise<PublicIncident[]> {
    const now = deps.clock.now();
    const incidents = await deps.incidents.listPublished(tenant.id, now - ENDED_VISIBLE_MS);
    return Promise.all(
      incidents.map(async (incident) => {
        const areaDescription = describeArea(incident);
        const rows = await deps.messages.listForIncident(tenant.id, incident.id);
        const messages = rows
          .filter((m) => m.started_at !== null && m.status !== 'cancelled')
          .map((m) => {
            const rendered = JSON.parse(m.rendered) as Record<string, string>;
            const written = ownLanguages(JSON.parse(m.texts) as Record<string, unknown>);
            const own = Object.entries(rendered).filter(([lang]) => written === 'all' || written.has(lang));
            const texts = Object.fromEntries(own.map(([lang, text]) => [lang, fillAddress(text, areaDescription)]));
            return { id: m.id, kind: m.kind, sentAt: m.started_at!, texts };
          });
        const latest = messages.at(-1);
        const publicText = incident.description ?? latest?.texts[tenant.languages[0]!] ?? incident.title;
        return {
          incident,
          selectionShapes: await selectionShapes(tenant, incident),
          status: publicStatus(incident, now),
          areaDescription,
          publicText,
          messages,
        };
      }),
    );
  }

  return {
    publicIncidents,

    /** The address (by id, or the best match of a text) and the current or planned incidents covering it. */
    async checkAddress(
      tenant: Tenant,
      address: string,
    ): Promise<{ address: AddressView | null; incidents: PublicIncident[] }> {
      const byId = await deps.addresses.findById(tenant.id, address);
      const row = byId ?? (await searchAddresses(deps.addresses, tenant.id, parseAddressQuery(address), 1))[0];
      if (!row) return { address: null, incidents: [] };
      const point = {
        lon: row.lon,
        lat: row.lat,
        streetKey: row.street_key,
        streetKeySv: row.street_key_sv,
        numberInt: row.number_int,
        postalCode: row.postal_code,
      };
      const covering = (await publicIncidents(tenant)).filter(
        (p) =>
          (p.status === 'active' || p.status === 'planned') &&
          areaMatcher({
            polygons: p.incident.geometry ? [p.incident.geometry] : [],
            streets: p.incident.streets,
            postalCodes: p.incident.postalCodes,
          })(point),
      );
      return { address: toAddressView(row), incidents: covering };
    },
  };
}

export type FeedService = ReturnType<typeof feedService>;
