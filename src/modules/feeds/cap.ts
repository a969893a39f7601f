/**
 * CAP 1.2 (OASIS Common Alerting Protocol) alerts of published incidents, written with xmlbuilder2 in the
 * element order the schema requires: one alert per incident, with one <info> per tenant language
 * (category Infra), msgType following the incident's messages (alert → Alert, update / all-clear →
 * Update, cancel → Cancel, with <references> to the first alert), polygons as "lat,lon lat,lon …"
 * closed rings, postal codes as geocodes. Pure.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { MultiPolygon } from 'geojson';
import type { Language, Tenant } from '../tenants/tenant.types.js';
import { serviceName } from '../dispatch/message-text.js';
import type { PublicIncident, PublicMessage } from './feed.service.js';
import { xmlText } from '../../lib/xml-text.js';
import { mapGeometry } from '../incidents/area.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

const CAP_LANGUAGE: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
const MSG_TYPE = { alert: 'Alert', update: 'Update', 'all-clear': 'Update', cancel: 'Cancel' } as const;

/** CAP's dateTime: seconds precision, an explicit offset (UTC as +00:00, never Z). */
export function capTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

/** Outer rings of every polygon as CAP polygons ("lat,lon" pairs, first = last). */
export function capPolygons(geometry: MultiPolygon | null): string[] {
  if (!geometry) return [];
  return geometry.coordinates.map((polygon) => polygon[0]!.map(([lon, lat]) => `${lat!.toFixed(6)},${lon!.toFixed(6)}`).join(' '));
}

export interface CapContext {
  tenant: Tenant;
  /** Where the public map is, for <web>; absent without AVISO_PUBLIC_URL. */
  publicUrl?: string | undefined;
}

const senderOf = (tenant: Tenant) => `aviso:${tenant.slug}`;
const identifierOf = (tenant: Tenant, p: PublicIncident, message: PublicMessage | undefined) =>
  message ? `urn:aviso:${tenant.slug}:message:${message.id}` : `urn:aviso:${tenant.slug}:incident:${p.incident.id}`;

function msgTypeOf(p: PublicIncident): 'Alert' | 'Update' | 'Cancel' {
  const latest = p.messages.at(-1);
  if (latest) return MSG_TYPE[latest.kind];
  if (p.incident.status === 'cancelled') return 'Cancel';
  return 'Alert';
}

function urgencyOf(p: PublicIncident): string {
  if (p.status === 'resolved' || p.status === 'cancelled') return 'Past';
  if (p.status === 'planned') return 'Future';
  return p.incident.kind === 'sudden' ? 'Immediate' : 'Expected';
}

function addInfo(alert: XMLBuilder, context: CapContext, p: PublicIncident, language: Language): void {
  const { tenant } = context;
  const latest = p.messages.at(-1);
  const info = alert.ele('info');
  info.ele('language').txt(xmlText(CAP_LANGUAGE[language]));
  info.ele('category').txt(xmlText('Infra'));
  info.ele('event').txt(xmlText(serviceName(p.incident.service, language)));
  info.ele('responseType').txt(xmlText(latest?.kind === 'all-clear' || p.status === 'resolved' ? 'AllClear' : p.status === 'cancelled' ? 'None' : 'Prepare'));
  info.ele('urgency').txt(xmlText(urgencyOf(p)));
  info.ele('severity').txt(xmlText(p.incident.service === 'waste' || p.incident.service === 'other' ? 'Minor' : 'Moderate'));
  info.ele('certainty').txt(xmlText(p.incident.kind === 'sudden' ? 'Observed' : 'Likely'));
  info.ele('effective').txt(xmlText(capTime(latest?.sentAt ?? p.incident.updatedAt)));
  if (p.incident.startsAt !== null) info.ele('onset').txt(xmlText(capTime(p.incident.startsAt)));
  if (p.incident.endsAt !== null) info.ele('expires').txt(xmlText(capTime(p.incident.endsAt)));
  info.ele('senderName').txt(xmlText(tenant.name));
  info.ele('headline').txt(xmlText(p.incident.title));
  info.ele('description').txt(xmlText(latest?.texts[language] ?? p.publicText));
  if (context.publicUrl) info.ele('web').txt(xmlText(`${context.publicUrl.replace(/\/$/, '')}/t/${tenant.slug}/map`));
  const contact = [tenant.contactInfo.phone, tenant.contactInfo.email].filter(Boolean).join(', ');
  if (contact) info.ele('contact').txt(xmlText(contact));
  const area = info.ele('area');
  area.ele('areaDesc').txt(xmlText(p.areaDescription));
  for (const polygon of capPolygons(mapGeometry(p.incident))) area.ele('polygon').txt(xmlText(polygon));
  for (const code of p.incident.postalCodes) {
    const geocode = area.ele('geocode');
    geocode.ele('valueName').txt(xmlText('postalCode'));
    geocode.ele('value').txt(xmlText(code));
  }
}

function alertHead(doc: XMLBuilder, context: CapContext, identifier: string, sent: number, msgType: string): XMLBuilder {
  const alert = doc.ele(CAP_NAMESPACE, 'alert');
  alert.ele('identifier').txt(xmlText(identifier));
  alert.ele('sender').txt(xmlText(senderOf(context.tenant)));
  alert.ele('sent').txt(xmlText(capTime(sent)));
  alert.ele('status').txt(xmlText('Actual'));
  alert.ele('msgType').txt(xmlText(msgType));
  alert.ele('scope').txt(xmlText('Public'));
  return alert;
}

/** The alert of one incident. */
export function incidentAlert(context: CapContext, p: PublicIncident): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const latest = p.messages.at(-1);
  const first = p.messages[0];
  const msgType = msgTypeOf(p);
  const alert = alertHead(doc, context, identifierOf(context.tenant, p, latest), latest?.sentAt ?? p.incident.updatedAt, msgType);
  if (msgType !== 'Alert' && first && first !== latest) {
    alert.ele('references').txt(xmlText(`${senderOf(context.tenant)},${identifierOf(context.tenant, p, first)},${capTime(first.sentAt)}`));
  }
  alert.ele('incidents').txt(xmlText(`urn:aviso:${context.tenant.slug}:incident:${p.incident.id}`));
  for (const language of context.tenant.languages) addInfo(alert, context, p, language);
  return doc.end({ prettyPrint: true });
}

/**
 * Every published incident in one alert (`…/public/cap.xml`): <info> blocks per incident and language;
 * msgType that of the most recently changed incident. Each incident also has its own alert.
 */
export function feedAlert(context: CapContext, incidents: readonly PublicIncident[], now: number): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const latest = [...incidents].sort((a, b) => b.incident.updatedAt - a.incident.updatedAt)[0];
  const sent = latest ? Math.max(latest.incident.updatedAt, latest.messages.at(-1)?.sentAt ?? 0) : now;
  const alert = alertHead(doc, context, `urn:aviso:${context.tenant.slug}:feed:${Math.floor(sent / 1000)}`, sent, latest ? msgTypeOf(latest) : 'Alert');
  alert.ele('note').txt(xmlText(incidents.length ? `${incidents.length} published incident(s) of ${context.tenant.name}` : `No published incidents of ${context.tenant.name}`));
  if (incidents.length) alert.ele('incidents').txt(xmlText(incidents.map((p) => `urn:aviso:${context.tenant.slug}:incident:${p.incident.id}`).join(' ')));
  for (const p of incidents) for (const language of context.tenant.languages) addInfo(alert, context, p, language);
  return doc.end({ prettyPrint: true });
}
