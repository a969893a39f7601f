/** Published incidents from `GET /api/t/{tenant}/public/incidents.geojson`, read defensively. */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { ApiError, tenantPath, type ApiClient } from '../shared/api';

export interface PublicIncident {
  id: string;
  service: string;
  kind: string;
  title: string;
  status: string;
  startsAt: string | null;
  endsAt: string | null;
  text: string;
  /** Streets and postal codes in words, when the area was given that way. */
  areaDescription: string;
  updatedAt: string | null;
  geometry: Geometry | null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function timeOf(value: unknown): string | null {
  if (typeof value === 'number') return new Date(value).toISOString();
  return typeof value === 'string' && value ? value : null;
}

export function toPublicIncident(feature: Feature, index: number): PublicIncident {
  const p = (feature.properties ?? {}) as Record<string, unknown>;
  return {
    id: text(p.id) || text(feature.id) || String(index),
    service: text(p.service),
    kind: text(p.kind),
    title: text(p.title),
    status: text(p.status),
    startsAt: timeOf(p.startsAt),
    endsAt: timeOf(p.endsAt),
    text: text(p.publicText) || text(p.description) || text(p.text),
    areaDescription: text(p.areaDescription),
    updatedAt: timeOf(p.updatedAt),
    geometry: feature.geometry ?? null,
  };
}

/** Active first, then planned by start time. */
export function sortIncidents(incidents: PublicIncident[]): PublicIncident[] {
  const rank = (i: PublicIncident) => (i.status === 'active' ? 0 : 1);
  return [...incidents].sort((a, b) => rank(a) - rank(b) || (a.startsAt ?? '').localeCompare(b.startsAt ?? ''));
}

/** The tenant's published incidents; an empty list while the feed is not there (404). */
export async function loadPublicIncidents(api: ApiClient, slug: string): Promise<PublicIncident[]> {
  try {
    // Fresh: the feed may be cached for 30 s, and the map must say what the console says now.
    const collection = await api.get<FeatureCollection>(tenantPath(slug, '/public/incidents.geojson'), { fresh: true });
    return sortIncidents((collection.features ?? []).map(toPublicIncident));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

export function feedUrls(slug: string) {
  return {
    geojson: tenantPath(slug, '/public/incidents.geojson'),
    cap: tenantPath(slug, '/public/cap.atom'),
    atom: tenantPath(slug, '/public/feed.atom'),
  };
}
