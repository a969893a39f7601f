/**
 * The landing page (`/`) when Aviso serves more than one tenant: each listed tenant with its name, the
 * link to its portal and public map, and the outline of its service area (a small drawing, no map tiles).
 */
import type { Geometry, Position } from 'geojson';
import type { ApiClient } from '../shared/api';
import { ErrorAlert, Loading } from '../shared/components/feedback';
import { Layout } from '../shared/components/Layout';
import { useLoad } from '../shared/hooks';
import { useT } from '../shared/i18n';
import { LANGUAGES, type PublicTenant } from '../shared/tenant';

type ListedTenant = Pick<PublicTenant, 'slug' | 'name' | 'services' | 'bbox' | 'serviceArea'>;

const SIZE = 96;

function rings(geometry: Geometry): Position[][] {
  if (geometry.type === 'Polygon') return geometry.coordinates.slice(0, 1);
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.map((polygon) => polygon[0] ?? []);
  return [];
}

/** The outer rings of the area as an SVG path in a SIZE×SIZE box (longitudes shrunk by the latitude, as on a map). */
function areaPath(tenant: ListedTenant): string {
  const [minLon, minLat, maxLon, maxLat] = tenant.bbox;
  const shrink = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const width = (maxLon - minLon) * shrink || 1;
  const height = maxLat - minLat || 1;
  const scale = (SIZE - 8) / Math.max(width, height);
  const x = (lon: number) => 4 + (lon - minLon) * shrink * scale + (SIZE - 8 - width * scale) / 2;
  const y = (lat: number) => 4 + (maxLat - lat) * scale + (SIZE - 8 - height * scale) / 2;
  return rings(tenant.serviceArea)
    .map((ring) => `M${ring.map(([lon, lat]) => `${x(lon!).toFixed(1)},${y(lat!).toFixed(1)}`).join('L')}Z`)
    .join('');
}

function TenantCard({ tenant }: { tenant: ListedTenant }) {
  const t = useT();
  const base = `/t/${encodeURIComponent(tenant.slug)}`;
  return (
    <li class="card tenant-card" data-tenant={tenant.slug}>
      <svg
        class="tenant-card__area"
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        width={SIZE}
        height={SIZE}
        role="img"
        aria-label={t('landing.area', { tenant: tenant.name })}
      >
        <path d={areaPath(tenant)} />
      </svg>
      <div>
        <h2>
          <a href={base}>{tenant.name}</a>
        </h2>
        <p class="muted">{tenant.services.map((s) => t(`common.services.${s}`)).join(', ')}</p>
        <p>
          <a href={`${base}/map`}>{t('landing.map')}</a>
        </p>
      </div>
    </li>
  );
}

export function LandingApp({ api }: { api: ApiClient }) {
  const t = useT();
  const tenants = useLoad(() => api.get<{ items: ListedTenant[] }>('/api/tenants'), [api]);
  const items = tenants.data?.items ?? [];
  return (
    <Layout title="Aviso" homeHref="/" logoUrl={null} languages={LANGUAGES}>
      <h1>{t('landing.title')}</h1>
      <p>{t('landing.intro')}</p>
      {tenants.loading && !tenants.data ? <Loading /> : null}
      <ErrorAlert error={tenants.error} />
      {tenants.data && items.length === 0 ? <p>{t('landing.none')}</p> : null}
      <ul class="list-plain tenant-list">
        {items.map((tenant) => (
          <TenantCard key={tenant.slug} tenant={tenant} />
        ))}
      </ul>
    </Layout>
  );
}
