/**
 * The Atom feed (RFC 4287) of published incidents, each entry linking to its CAP alert. Links start at
 * `baseUrl` (AVISO_PUBLIC_URL), or are relative to the feed's own address when it is empty. Pure.
 */
import { create } from 'xmlbuilder2';
import type { Tenant } from '../tenants/tenant.types.js';
import type { PublicIncident } from './feed.service.js';
import { xmlText } from '../../lib/xml-text.js';

const ATOM = 'http://www.w3.org/2005/Atom';

export function atomFeed(tenant: Tenant, incidents: readonly PublicIncident[], baseUrl: string, now: number): string {
  const base = `${baseUrl.replace(/\/$/, '')}/api/t/${tenant.slug}/public`;
  const updated = Math.max(0, ...incidents.map((p) => Math.max(p.incident.updatedAt, p.messages.at(-1)?.sentAt ?? 0)));
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const feed = doc.ele(ATOM, 'feed');
  feed.ele('id').txt(xmlText(`urn:aviso:${tenant.slug}:feed`));
  feed.ele('title').txt(xmlText(`${tenant.name}: disruptions`));
  feed.ele('updated').txt(xmlText(new Date(updated || now).toISOString()));
  feed.ele('author').ele('name').txt(xmlText(tenant.name));
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: xmlText(`${base}/feed.atom`) });
  feed.ele('link', {
    rel: 'alternate',
    type: 'text/html',
    href: xmlText(`${baseUrl.replace(/\/$/, '')}/t/${tenant.slug}/map`),
  });
  for (const p of incidents) {
    const entry = feed.ele('entry');
    entry.ele('id').txt(xmlText(`urn:aviso:${tenant.slug}:incident:${p.incident.id}`));
    entry.ele('title').txt(xmlText(`${p.incident.title} (${p.status})`));
    entry
      .ele('updated')
      .txt(xmlText(new Date(Math.max(p.incident.updatedAt, p.messages.at(-1)?.sentAt ?? 0)).toISOString()));
    if (p.incident.startsAt !== null) entry.ele('published').txt(xmlText(new Date(p.incident.createdAt).toISOString()));
    entry.ele('category', { term: p.incident.service });
    entry.ele('summary').txt(xmlText(p.publicText));
    entry.ele('link', {
      rel: 'alternate',
      type: 'application/cap+xml',
      href: xmlText(`${base}/incidents/${p.incident.id}/cap.xml`),
    });
  }
  return doc.end({ prettyPrint: true });
}
