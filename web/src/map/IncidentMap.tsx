/** The incidents drawn on the tenant's map (red: active, orange: planned); a click selects one. */
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { GeoJsonObject } from 'geojson';
import type { Address } from '../shared/components/AddressPicker';
import { fitTo, labelledMarker } from '../shared/map/base-map';
import { useTenantMap } from '../shared/map/use-tenant-map';
import { useT } from '../shared/i18n';
import type { PublicTenant } from '../shared/tenant';
import type { PublicIncident } from './incidents';

const COLORS: Record<string, string> = { active: '#b3261e', planned: '#b35c00' };

interface IncidentMapProps {
  tenant: PublicTenant;
  incidents: PublicIncident[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  address: Address | null;
}

export function IncidentMap({ tenant, incidents, selectedId, onSelect, address }: IncidentMapProps) {
  const t = useT();
  const { ref, map } = useTenantMap(tenant);
  const layers = useRef(new Map<string, L.GeoJSON>());
  const group = useRef<L.FeatureGroup | null>(null);

  useEffect(() => {
    if (!map) return undefined;
    const features = L.featureGroup().addTo(map);
    layers.current.clear();
    for (const incident of incidents) {
      if (!incident.geometry) continue;
      const color = COLORS[incident.status] ?? '#4f5863';
      const layer = L.geoJSON(incident.geometry as GeoJsonObject, {
        style: { color, weight: 2, fillOpacity: 0.25 },
        pointToLayer: (_feature, latlng) => L.circleMarker(latlng, { radius: 8, color }),
      });
      // As text: Leaflet reads a string tooltip as HTML, and a title is whatever an operator typed.
      const label = document.createElement('span');
      label.textContent = incident.title || t(`common.services.${incident.service}` as 'common.services.other');
      layer.bindTooltip(label);
      layer.on('click', () => onSelect(incident.id));
      layer.addTo(features);
      layers.current.set(incident.id, layer);
    }
    group.current = features;
    if (features.getLayers().length > 0) fitTo(map, features, tenant, 15);
    return () => void features.remove();
  }, [map, incidents]);

  useEffect(() => {
    for (const [id, layer] of layers.current) layer.setStyle({ weight: id === selectedId ? 5 : 2 });
    const layer = selectedId ? layers.current.get(selectedId) : undefined;
    if (map && layer) fitTo(map, layer, tenant, 16);
  }, [selectedId, map, incidents]);

  useEffect(() => {
    if (!map || !address) return undefined;
    const marker = labelledMarker(address.lat, address.lon, address.label, '●', 'map-pin--check').addTo(map);
    map.setView([address.lat, address.lon], Math.max(map.getZoom(), 15));
    return () => void marker.remove();
  }, [map, address]);

  return (
    <div>
      <div ref={ref} class="map" role="region" aria-label={t('common.map.label')} data-incidents={incidents.length} />
      {tenant.branding.tileUrl || tenant.branding.basemapUrl ? null : (
        <p class="map-legend">{t('common.map.noTiles')}</p>
      )}
    </div>
  );
}
