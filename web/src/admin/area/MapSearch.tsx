/**
 * Search-and-fly on the drawing map: an address typed here (as the address search reads it, "skolg 12")
 * centres the map on it at street level, marked for a moment. Not a form of its own: the map sits inside
 * the incident's form, so Enter in the field searches instead of submitting that.
 */
import type L from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { query, tenantPath } from '../../shared/api';
import { Button, TextField } from '../../shared/components/forms';
import { useT } from '../../shared/i18n';
import { labelledMarker } from '../../shared/map/base-map';

const FLY_ZOOM = 18;

export function MapSearch({ map, tenantSlug }: { map: L.Map | null; tenantSlug: string }) {
  const t = useT();
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const marker = useRef<L.Marker | null>(null);
  useEffect(() => () => void marker.current?.remove(), []);

  async function find() {
    if (!map || text.trim().length < 2) return;
    const response = await fetch(tenantPath(tenantSlug, `/addresses${query({ q: text.trim(), limit: 1 })}`), {
      headers: { accept: 'application/json' },
    });
    const found = response.ok
      ? ((await response.json()) as { items: Array<{ label: string; lat: number; lon: number }> }).items[0]
      : undefined;
    marker.current?.remove();
    if (!found) return setStatus(t('common.map.noAddressFound'));
    setStatus(found.label);
    map.setView([found.lat, found.lon], FLY_ZOOM, { animate: false });
    marker.current = labelledMarker(found.lat, found.lon, found.label, '●', 'map-pin--check').addTo(map);
  }

  return (
    <div class="map-search" role="search">
      <TextField
        label={t('common.map.searchAddress')}
        value={text}
        onValue={setText}
        autoComplete="off"
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          void find();
        }}
      />
      <Button variant="secondary" small onClick={() => void find()}>
        {t('common.search')}
      </Button>
      <span class="muted" role="status">
        {status}
      </span>
    </div>
  );
}
