/** A map with a numbered marker for each of my addresses (a lazy chunk: Leaflet is not in the first load). */
import L from 'leaflet';
import { useEffect } from 'preact/hooks';
import { fitTo, labelledMarker } from '../../shared/map/base-map';
import '../../shared/map/map.css';
import { useTenantMap } from '../../shared/map/use-tenant-map';
import { useT } from '../../shared/i18n';
import type { PublicTenant } from '../../shared/tenant';
import type { MyAddress } from '../portal-api';

export function AddressMap({ tenant, addresses }: { tenant: PublicTenant; addresses: MyAddress[] }) {
  const t = useT();
  const { ref, map } = useTenantMap(tenant);
  useEffect(() => {
    if (!map) return undefined;
    const markers = L.featureGroup(
      addresses.map(({ address: a, active, label }, i) =>
        labelledMarker(
          a.lat,
          a.lon,
          `${i + 1}. ${label ? `${label}: ` : ''}${a.street} ${a.number}`,
          String(i + 1),
          active ? '' : 'map-pin--inactive',
        ),
      ),
    ).addTo(map);
    fitTo(map, markers, tenant, 15);
    return () => void markers.remove();
  }, [map, addresses]);

  return (
    <figure class="address-map">
      <div ref={ref} class="map" role="region" aria-label={t('portal.addresses.map')} data-markers={addresses.length} />
      <figcaption class="map-legend">
        {t('portal.addresses.map')}
        {tenant.branding.tileUrl || tenant.branding.basemapUrl ? '' : ` · ${t('common.map.noTiles')}`}
      </figcaption>
    </figure>
  );
}
