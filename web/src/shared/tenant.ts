/** The tenant's public profile (`GET /api/t/{tenant}`) and its branding applied to the page. */
import type { Geometry } from 'geojson';
import type * as api from '../../../src/contracts';
import { tenantPath, type ApiClient } from './api';
import { readableOn, textColorOnWhite } from './color';
import { everyOf, type Narrow } from './contracts';

export type { Language, Service } from '../../../src/contracts';
export const LANGUAGES = everyOf<api.Language>()(['fi', 'sv', 'en']);
export const SERVICES = everyOf<api.Service>()(['water', 'sewer', 'district-heating', 'electricity', 'waste', 'other']);

export type PublicTenant = Narrow<
  api.PublicTenant,
  {
    /** [minLon, minLat, maxLon, maxLat] */
    bbox: [number, number, number, number];
    serviceArea: Geometry;
  }
>;

/** The slug of `/t/{slug}/…`, or null on pages outside a tenant. */
export function tenantSlugFromPath(pathname: string): string | null {
  const match = /^\/t\/([^/]+)/.exec(pathname);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

export function loadTenant(api: ApiClient, slug: string): Promise<PublicTenant> {
  return api.get<PublicTenant>(tenantPath(slug));
}

/** Sets the brand colours as CSS variables, keeping text on and in the brand colour readable (WCAG AA). */
export function applyBranding(brandColor: string, root: HTMLElement = document.documentElement): void {
  if (!/^#[0-9a-f]{6}$/i.test(brandColor)) return;
  root.style.setProperty('--brand', brandColor);
  root.style.setProperty('--brand-contrast', readableOn(brandColor));
  root.style.setProperty('--brand-text', textColorOnWhite(brandColor));
}
