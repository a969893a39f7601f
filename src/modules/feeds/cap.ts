/**
 * CAP 1.2 (OASIS Common Alerting Protocol) alerts of published incidents, written with xmlbuilder2 in the
 * element order the schema requires. An incident's alerts form one chain: the incident's own alert from
 * its publication until a message goes out, then one per message, then a closing alert when it was
 * cancelled or resolved without a message saying so. The first is the Alert; every later one is an Update
 * (an all-clear too) or a Cancel with <references> to every earlier alert of the incident. The current
 * alert is the newest. One <info> per language the message was written in (category Infra), never another
 * language's text under its tag; a closing alert says in every language of the tenant that it is over. Areas: drawn shapes as polygons
 * ("lat,lon …" closed rings), each postal code as a circle around its addresses with its <geocode>, the
 * chosen streets as a circle around theirs. Pure.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { MultiPolygon } from 'geojson';
import type { Language, Tenant } from '../tenants/tenant.types.js';
import { serviceName } from '../incidents/notice-text.js';
import type { PublicIncident } from './feed.service.js';
import { xmlText } from '../../lib/xml-text.js';
import type { Circle } from './circle.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

const CAP_LANGUAGE: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
const POSTAL_AREA: Record<Language, string> = { fi: 'Postinumeroalue', sv: 'Postnummerområde', en: 'Postal code area' };

/** CAP's dateTime: seconds precision, an explicit offset (UTC as +00:00, never Z). */
export function capTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

/** Outer rings of every polygon as CAP polygons ("lat,lon" pairs, first = last). */
export function capPolygons(geometry: MultiPolygon | null): string[] {
  if (!geometry) return [];
  return geometry.coordinates.map((polygon) =>
    polygon[0]!.map(([lon, lat]) => `${lat!.toFixed(6)},${lon!.toFixed(6)}`).join(' '),
  );
}

/** A CAP circle: "lat,lon radius" with the radius in kilometres. */
export const capCircle = (c: Circle) => `${c.lat.toFixed(6)},${c.lon.toFixed(6)} ${c.radiusKm.toFixed(2)}`;

export interface CapContext {
  tenant: Tenant;
  /** Where the public map is, for <web>; absent without AVISO_PUBLIC_URL. */
  publicUrl?: string | undefined;
}

type MsgType = 'Alert' | 'Update' | 'Cancel';

/** What an alert of the incident stands for: its publication, a message, or its closing. */
type AlertSource = 'incident' | 'message' | 'cancelled' | 'resolved';

/** One alert as CAP knows it: what identifies it, and the alerts it follows. */
export interface CapAlertHead {
  identifier: string;
  sent: number;
  msgType: MsgType;
  source: AlertSource;
  /** `sender,identifier,sent` of every earlier alert of the incident, oldest first. */
  references: string[];
}

const senderOf = (tenant: Tenant) => `aviso:${tenant.slug}`;
const incidentUrn = (tenant: Tenant, p: PublicIncident) => `urn:aviso:${tenant.slug}:incident:${p.incident.id}`;

/**
 * The incident's alerts, oldest first: its own from its publication when that came before its first
 * message (consumers saw it), one per message that went out, then a closing one when the incident was
 * cancelled or resolved without a message saying so. The first is the Alert, a cancel a Cancel, any other
 * an Update; each references every one before it.
 */
export function incidentAlertHeads(tenant: Tenant, p: PublicIncident): CapAlertHead[] {
  const heads: Array<Omit<CapAlertHead, 'references' | 'msgType'> & { cancels: boolean }> = [];
  const first = p.messages[0];
  const publishedAt = p.incident.publishedAt ?? p.incident.updatedAt;
  if (!first || publishedAt < first.sentAt)
    heads.push({ identifier: incidentUrn(tenant, p), sent: publishedAt, source: 'incident', cancels: false });
  for (const m of p.messages)
    heads.push({
      identifier: `urn:aviso:${tenant.slug}:message:${m.id}`,
      sent: m.sentAt,
      source: 'message',
      cancels: m.kind === 'cancel',
    });
  const last = p.messages.at(-1);
  if (p.incident.status === 'cancelled' && last?.kind !== 'cancel')
    heads.push({
      identifier: `${incidentUrn(tenant, p)}:cancelled`,
      sent: closedAt(p),
      source: 'cancelled',
      cancels: true,
    });
  else if (p.incident.status === 'resolved' && last?.kind !== 'all-clear')
    heads.push({
      identifier: `${incidentUrn(tenant, p)}:resolved`,
      sent: closedAt(p),
      source: 'resolved',
      cancels: false,
    });
  const sender = senderOf(tenant);
  return heads.map(({ cancels, ...head }, i) => ({
    ...head,
    msgType: i === 0 ? 'Alert' : cancels ? 'Cancel' : 'Update',
    references: heads.slice(0, i).map((h) => `${sender},${h.identifier},${capTime(h.sent)}`),
  }));
}

/** When the incident was closed: its last change, never before the alerts it closes. */
const closedAt = (p: PublicIncident) =>
  Math.max(p.incident.updatedAt, p.messages.at(-1)?.sentAt ?? 0, p.incident.publishedAt ?? 0);

/** The incident's current alert: the newest of its alerts. */
export const currentAlertHead = (tenant: Tenant, p: PublicIncident): CapAlertHead =>
  incidentAlertHeads(tenant, p).at(-1)!;

function urgencyOf(p: PublicIncident): string {
  if (p.status === 'resolved' || p.status === 'cancelled') return 'Past';
  if (p.status === 'planned') return 'Future';
  return p.incident.kind === 'sudden' ? 'Immediate' : 'Expected';
}

/**
 * The languages of the alert's text, in the tenant's order: a message's, those it was written in; before any
 * message, the first; a closing alert's (our own words), every one.
 */
function infoLanguages(tenant: Tenant, p: PublicIncident, head: CapAlertHead): Language[] {
  if (head.source === 'cancelled' || head.source === 'resolved') return tenant.languages;
  const latest = p.messages.at(-1);
  if (!latest) return tenant.languages.slice(0, 1);
  return tenant.languages.filter((language) => latest.texts[language] !== undefined);
}

/** The area in words in `language`: the operator's title in the first language, the service's name in others. */
function areaDescIn(tenant: Tenant, p: PublicIncident, language: Language): string {
  if (language === tenant.languages[0]) return p.areaDescription;
  const parts = [...p.incident.streets.map((s) => s.street), ...p.incident.postalCodes];
  return [serviceName(p.incident.service, language), parts.join(', ')].filter(Boolean).join(': ');
}

const CLOSING: Record<'cancelled' | 'resolved', Record<Language, string>> = {
  cancelled: { fi: 'Peruttu', sv: 'Inställt', en: 'Cancelled' },
  resolved: { fi: 'Päättynyt', sv: 'Avslutat', en: 'Ended' },
};

/** What a closing alert says in `language`: cancelled or ended, and what (the headline, the streets and postal codes). */
function closingText(tenant: Tenant, p: PublicIncident, closing: 'cancelled' | 'resolved', language: Language): string {
  const places = [...p.incident.streets.map((s) => s.street), ...p.incident.postalCodes].join(', ');
  return `${CLOSING[closing][language]}: ${headlineIn(tenant, p, language)}${places ? ` (${places})` : ''}.`;
}

/** The operator's title in the first language, the service's name in the others. */
const headlineIn = (tenant: Tenant, p: PublicIncident, language: Language) =>
  language === tenant.languages[0] ? p.incident.title : serviceName(p.incident.service, language);

function addAreas(info: XMLBuilder, context: CapContext, p: PublicIncident, language: Language): void {
  const polygons = capPolygons(p.incident.geometry);
  if (polygons.length) {
    const area = info.ele('area');
    area.ele('areaDesc').txt(xmlText(areaDescIn(context.tenant, p, language)));
    for (const polygon of polygons) area.ele('polygon').txt(xmlText(polygon));
  }
  // Streets and postal codes: the shape stored with the incident (worked out from their addresses),
  // or, for an incident saved without one, a circle around the addresses of each.
  const selection = capPolygons(p.incident.selectionGeometry);
  if (selection.length) {
    const area = info.ele('area');
    area.ele('areaDesc').txt(xmlText(areaDescIn(context.tenant, p, language)));
    for (const polygon of selection) area.ele('polygon').txt(xmlText(polygon));
    for (const code of p.incident.postalCodes) {
      const geocode = area.ele('geocode');
      geocode.ele('valueName').txt(xmlText('postalCode'));
      geocode.ele('value').txt(xmlText(code));
    }
    return;
  }
  for (const shape of p.selectionShapes) {
    const area = info.ele('area');
    area
      .ele('areaDesc')
      .txt(
        xmlText(
          shape.postalCode ? `${POSTAL_AREA[language]} ${shape.postalCode}` : areaDescIn(context.tenant, p, language),
        ),
      );
    area.ele('circle').txt(xmlText(capCircle(shape.circle)));
    if (shape.postalCode) {
      const geocode = area.ele('geocode');
      geocode.ele('valueName').txt(xmlText('postalCode'));
      geocode.ele('value').txt(xmlText(shape.postalCode));
    }
  }
}

function addInfo(
  alert: XMLBuilder,
  context: CapContext,
  p: PublicIncident,
  head: CapAlertHead,
  language: Language,
): void {
  const { tenant } = context;
  const latest = p.messages.at(-1);
  const info = alert.ele('info');
  info.ele('language').txt(xmlText(CAP_LANGUAGE[language]));
  info.ele('category').txt(xmlText('Infra'));
  info.ele('event').txt(xmlText(serviceName(p.incident.service, language)));
  info
    .ele('responseType')
    .txt(
      xmlText(
        latest?.kind === 'all-clear' || p.status === 'resolved'
          ? 'AllClear'
          : p.status === 'cancelled'
            ? 'None'
            : 'Prepare',
      ),
    );
  info.ele('urgency').txt(xmlText(urgencyOf(p)));
  info
    .ele('severity')
    .txt(xmlText(p.incident.service === 'waste' || p.incident.service === 'other' ? 'Minor' : 'Moderate'));
  info.ele('certainty').txt(xmlText(p.incident.kind === 'sudden' ? 'Observed' : 'Likely'));
  info.ele('effective').txt(xmlText(capTime(head.sent)));
  if (p.incident.startsAt !== null) info.ele('onset').txt(xmlText(capTime(p.incident.startsAt)));
  if (p.incident.endsAt !== null) info.ele('expires').txt(xmlText(capTime(p.incident.endsAt)));
  info.ele('senderName').txt(xmlText(tenant.name));
  info.ele('headline').txt(xmlText(headlineIn(tenant, p, language)));
  const description =
    head.source === 'cancelled' || head.source === 'resolved'
      ? closingText(tenant, p, head.source, language)
      : (latest?.texts[language] ?? p.publicText);
  info.ele('description').txt(xmlText(description));
  if (context.publicUrl) info.ele('web').txt(xmlText(`${context.publicUrl.replace(/\/$/, '')}/t/${tenant.slug}/map`));
  const contact = [tenant.contactInfo.phone, tenant.contactInfo.email].filter(Boolean).join(', ');
  if (contact) info.ele('contact').txt(xmlText(contact));
  addAreas(info, context, p, language);
}

/** Appends the incident's current alert to `parent` (a document, or an Atom entry's content). */
export function appendIncidentAlert(parent: XMLBuilder, context: CapContext, p: PublicIncident): void {
  const head = currentAlertHead(context.tenant, p);
  const alert = parent.ele(CAP_NAMESPACE, 'alert');
  alert.ele('identifier').txt(xmlText(head.identifier));
  alert.ele('sender').txt(xmlText(senderOf(context.tenant)));
  alert.ele('sent').txt(xmlText(capTime(head.sent)));
  alert.ele('status').txt(xmlText('Actual'));
  alert.ele('msgType').txt(xmlText(head.msgType));
  alert.ele('scope').txt(xmlText('Public'));
  if (head.references.length) alert.ele('references').txt(xmlText(head.references.join(' ')));
  alert.ele('incidents').txt(xmlText(incidentUrn(context.tenant, p)));
  for (const language of infoLanguages(context.tenant, p, head)) addInfo(alert, context, p, head, language);
}

/** The current alert of one incident, as a document. */
export function incidentAlert(context: CapContext, p: PublicIncident): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  appendIncidentAlert(doc, context, p);
  return doc.end({ prettyPrint: true });
}
