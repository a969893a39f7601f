/**
 * The CAP feed of a tenant: an Atom feed (RFC 4287) with one entry per current alert, the form CAP
 * aggregators take (Google Public Alerts' CAP feeds, the Atom indexes of CAP-AU and CAP-CP). An entry's
 * <id> is the alert's identifier and its <updated> the alert's sent time, so a reader fetches only
 * what changed; it links the alert (application/cap+xml) and carries it whole in its <content>. Each
 * alert keeps its own msgType and references: the feed never folds incidents into one alert. Pure.
 */
import { create } from 'xmlbuilder2';
import { xmlText } from '../../lib/xml-text.js';
import { appendIncidentAlert, currentAlertHead, type CapContext } from './cap.js';
import type { PublicIncident } from './feed.service.js';

const ATOM = 'http://www.w3.org/2005/Atom';

export function capIndex(
  context: CapContext,
  incidents: readonly PublicIncident[],
  baseUrl: string,
  now: number,
): string {
  const { tenant } = context;
  const base = `${baseUrl.replace(/\/$/, '')}/api/t/${tenant.slug}/public`;
  const entries = incidents
    .map((p) => ({ p, head: currentAlertHead(tenant, p) }))
    .sort((a, b) => b.head.sent - a.head.sent);
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const feed = doc.ele(ATOM, 'feed');
  feed.ele('id').txt(xmlText(`urn:aviso:${tenant.slug}:cap`));
  feed.ele('title').txt(xmlText(`${tenant.name}: CAP alerts`));
  feed.ele('updated').txt(xmlText(new Date(entries[0]?.head.sent ?? now).toISOString()));
  feed.ele('author').ele('name').txt(xmlText(tenant.name));
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: xmlText(`${base}/cap.atom`) });
  for (const { p, head } of entries) {
    const entry = feed.ele('entry');
    entry.ele('id').txt(xmlText(head.identifier));
    entry.ele('title').txt(xmlText(p.incident.title));
    entry.ele('updated').txt(xmlText(new Date(Math.floor(head.sent / 1000) * 1000).toISOString()));
    entry.ele('link', {
      rel: 'alternate',
      type: 'application/cap+xml',
      href: xmlText(`${base}/incidents/${p.incident.id}/cap.xml`),
    });
    appendIncidentAlert(entry.ele('content', { type: 'application/cap+xml' }), context, p);
  }
  return doc.end({ prettyPrint: true });
}
