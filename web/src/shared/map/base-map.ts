/**
 * A Leaflet map of the tenant: its tile layer when the tenant has one (`branding.tileUrl`), else the
 * installation's PMTiles basemap when it serves one (`branding.basemapUrl`, drawn by protomaps-leaflet,
 * loaded only then), else none — the service area, incidents, streets and addresses are vector layers
 * and draw without any tiles (offline, tests).
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { GeoJsonObject } from 'geojson';
import type { PublicTenant } from '../tenant';

/** The tiles' credit: the tenant's own (as text: Leaflet writes attributions as HTML), else OpenStreetMap's for its tiles. */
export function tileAttribution(url: string, credit: string | null | undefined): string {
  if (credit) {
    const text = document.createElement('span');
    text.textContent = credit;
    return text.innerHTML;
  }
  return /openstreetmap\.org/.test(url) ? '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' : '';
}

export function boundsOf(bbox: readonly [number, number, number, number]): L.LatLngBounds {
  return L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
}

export function brandColor(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--brand-text').trim() || '#005a8c';
}

/** The map with the service area outlined and fitted to it. */
export function createTenantMap(element: HTMLElement, tenant: PublicTenant): L.Map {
  const map = L.map(element, { attributionControl: true, zoomSnap: 0.25 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  const tileUrl = tenant.branding.tileUrl;
  if (tileUrl)
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: tileAttribution(tileUrl, tenant.branding.tileAttribution) }).addTo(
      map,
    );
  else if (tenant.branding.basemapUrl) void addBasemap(map, tenant.branding.basemapUrl);
  L.geoJSON(tenant.serviceArea as GeoJsonObject, {
    interactive: false,
    style: { color: brandColor(), weight: 2, dashArray: '6 4', fillOpacity: 0.04 },
  }).addTo(map);
  map.fitBounds(boundsOf(tenant.bbox), { padding: [8, 8] });
  return map;
}

/**
 * The PMTiles basemap under every other layer. protomaps-leaflet extends the global `L`, so it is set
 * first; the map may be gone by the time the module arrives. The container says when tiles are drawn.
 */
async function addBasemap(map: L.Map, url: string): Promise<void> {
  let removed = false;
  map.once('unload', () => void (removed = true));
  (globalThis as unknown as { L: typeof L }).L = L;
  const { leafletLayer } = await import('protomaps-leaflet');
  if (removed) return;
  const layer = leafletLayer({
    url,
    flavor: 'light',
    lang: document.documentElement.lang || 'fi',
    maxDataZoom: 15,
  } as Parameters<typeof leafletLayer>[0]);
  (layer as unknown as L.GridLayer).on('load', () => void (map.getContainer().dataset.basemap = 'drawn'));
  (layer as unknown as L.GridLayer).addTo(map);
}

/** Fits the map to a layer's bounds when it has any, else to the service area. */
export function fitTo(map: L.Map, layer: L.FeatureGroup | L.GeoJSON, tenant: PublicTenant, maxZoom = 16): void {
  const bounds = layer.getBounds();
  // Not animated: a page that removes the map mid-animation (a list re-rendering, log off) makes Leaflet's
  // transition end read the removed panes (`_leaflet_pos` of undefined).
  map.fitBounds(bounds.isValid() ? bounds : boundsOf(tenant.bbox), {
    paddingTopLeft: [24, 48],
    paddingBottomRight: [24, 16],
    maxZoom,
    animate: false,
  });
}

/** A keyboard-focusable marker whose accessible name is its title. */
export function labelledMarker(lat: number, lon: number, title: string, text: string, className = ''): L.Marker {
  const icon = L.divIcon({
    className: `map-pin ${className}`.trim(),
    html: `<span class="map-pin__shape" aria-hidden="true"><span class="map-pin__text">${text}</span></span>`,
    iconSize: [32, 32],
    iconAnchor: [16, 32],
  });
  return L.marker([lat, lon], { icon, title, alt: title, keyboard: true, riseOnHover: true });
}
