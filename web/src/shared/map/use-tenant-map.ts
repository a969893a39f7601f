/** A Leaflet map bound to a Preact ref: created on mount, removed on unmount. */
import type L from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n';
import type { PublicTenant } from '../tenant';
import { tenantPath } from '../api';
import { AddressLayer } from './address-layer';
import { createTenantMap } from './base-map';
import { StreetLayer } from './street-layer';

export function useTenantMap(tenant: PublicTenant) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  useEffect(() => {
    if (!ref.current) return undefined;
    const created = createTenantMap(ref.current, tenant);
    const streets = new StreetLayer(created, (bbox) => tenantPath(tenant.slug, `/map/streets?bbox=${bbox}`));
    setMap(created);
    return () => {
      streets.remove();
      created.stop();
      created.remove();
      setMap(null);
    };
  }, [tenant]);
  // Leaflet names its zoom buttons in English; they follow the page's language instead.
  useEffect(() => {
    const container = map?.getContainer();
    const name = (selector: string, label: string) => {
      container?.querySelector(selector)?.setAttribute('aria-label', label);
      container?.querySelector(selector)?.setAttribute('title', label);
    };
    name('.leaflet-control-zoom-in', t('common.map.zoomIn'));
    name('.leaflet-control-zoom-out', t('common.map.zoomOut'));
  });
  return { ref, map };
}

/** The tenant's address points on an operator map (address-layer.ts; `pane` as there), removed with the map. */
export function useAddressLayer(map: L.Map | null, tenant: PublicTenant, pane?: string): AddressLayer | null {
  const [layer, setLayer] = useState<AddressLayer | null>(null);
  useEffect(() => {
    if (!map) return undefined;
    const tileUrl = (z: number, x: number, y: number, incident: string) =>
      tenantPath(tenant.slug, `/map/addresses/${z}/${x}/${y}`) +
      (incident ? `?incident=${encodeURIComponent(incident)}` : '');
    const created = new AddressLayer(map, tileUrl, pane);
    setLayer(created);
    return () => {
      created.remove();
      setLayer(null);
    };
  }, [map]);
  return layer;
}
