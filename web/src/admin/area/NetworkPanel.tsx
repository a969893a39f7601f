/**
 * The "pipe network" area mode: the tenant's network drawn on a map (pipes by diameter, valves by state),
 * a click on a pipe marks the break and traces it — the isolated pipes highlighted, the valves to close
 * listed and marked — and a valve marked as failed (it will not close) traces again past it. The trace
 * is part of the area: the preview counts its connected addresses as for any area. The tenant's address
 * points are drawn under the pipes, as on the drawing map.
 */
import L from './leaflet-global';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useAddressLayer, useTenantMap } from '../../shared/map/use-tenant-map';
import { useT } from '../../shared/i18n';
import type { PublicTenant } from '../../shared/tenant';
import { Button } from '../../shared/components/forms';
import { ErrorAlert } from '../../shared/components/feedback';
import type { AdminApi, NetworkFeatures, NetworkTrace } from '../admin-api';
import { NETWORK_SERVICES, type NetworkArea, type NetworkService } from './area';

/** Below this zoom the network is not drawn (too many pipes for a browser). */
const MIN_ZOOM = 13;
const PIPE = '#1f5fa8';
const TRACED = '#b3261e';

interface NetworkPanelProps {
  tenant: PublicTenant;
  admin: Pick<AdminApi, 'networkFeatures' | 'traceNetwork'>;
  value: NetworkArea | null;
  onChange: (value: NetworkArea | null) => void;
  disabled: boolean;
}

function useTrace(admin: NetworkPanelProps['admin'], value: NetworkArea | null) {
  const [trace, setTrace] = useState<NetworkTrace | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!value) return setTrace(null);
    let current = true;
    admin.traceNetwork(value.service, { at: value.at, failedValves: value.failedValves }).then(
      (t) => current && (setTrace(t), setError(null)),
      (e: unknown) => current && setError(e),
    );
    return () => void (current = false);
  }, [value]);
  return { trace, error };
}

/** The network in the map's view, drawn again after each move; traced pipes and valves to close in red. */
function useNetworkLayer(
  map: L.Map | null,
  admin: NetworkPanelProps['admin'],
  service: NetworkService,
  trace: NetworkTrace | null,
  onPipe: (at: [number, number]) => void,
) {
  const [features, setFeatures] = useState<NetworkFeatures | null>(null);
  const [zoom, setZoom] = useState<number | null>(null);
  const click = useRef(onPipe);
  click.current = onPipe;
  useEffect(() => {
    if (!map) return undefined;
    const load = () => {
      setZoom(map.getZoom());
      if (map.getZoom() < MIN_ZOOM) return setFeatures(null);
      void admin.networkFeatures(service, map.getBounds().toBBoxString()).then(setFeatures, () => setFeatures(null));
    };
    load();
    map.on('moveend', load);
    return () => void map.off('moveend', load);
  }, [map, service]);
  useEffect(() => {
    if (!map || !features) return undefined;
    const traced = new Set([...(trace?.isolatedPipes ?? []), ...(trace?.cutOffPipes ?? [])]);
    const toClose = new Set(trace?.valvesToClose.map((v) => v.id) ?? []);
    const group = L.layerGroup().addTo(map);
    for (const f of features.features) {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      if (f.geometry.type === 'LineString') {
        const hit = traced.has(f.properties.id);
        const line = L.polyline(
          f.geometry.coordinates.map(([x, y]) => [y!, x!] as [number, number]),
          {
            color: hit ? TRACED : PIPE,
            weight: 2 + Math.min(6, (f.properties.diameter ?? 100) / 75),
            className: `network-pipe network-pipe--${f.properties.id.replace(/[^\w-]/g, '_')}${hit ? ' network-pipe--traced' : ''}`,
            pmIgnore: true,
          } as L.PolylineOptions,
        );
        line.on('click', (e: L.LeafletMouseEvent) => click.current([e.latlng.lng, e.latlng.lat]));
        line.addTo(group);
      } else {
        const closing = toClose.has(f.properties.id);
        L.circleMarker([lat, lon], {
          radius: closing ? 7 : 4,
          color: closing ? TRACED : '#222',
          weight: 2,
          fillColor: f.properties.state === 'closed' ? '#222' : f.properties.operable === false ? '#999' : '#fff',
          fillOpacity: 1,
          className: closing ? 'network-valve network-valve--close' : 'network-valve',
          interactive: false,
          pmIgnore: true,
        } as L.CircleMarkerOptions).addTo(group);
      }
    }
    if (trace?.outline)
      L.geoJSON(trace.outline, {
        interactive: false,
        style: { color: TRACED, weight: 1, dashArray: '4 4', fillOpacity: 0.08 },
      }).addTo(group);
    return () => void group.remove();
  }, [map, features, trace]);
  return { zoom, zoomedOut: zoom !== null && zoom < MIN_ZOOM, truncated: features?.truncated ?? false };
}

export function NetworkPanel(props: NetworkPanelProps) {
  const t = useT();
  const [open, setOpen] = useState(props.value !== null);
  if (!NETWORK_SERVICES.some((s) => props.tenant.services.includes(s))) return null;
  return (
    <fieldset class="network-panel">
      <legend>{t('admin.network.heading')}</legend>
      <label class="row">
        <input
          type="checkbox"
          checked={open}
          onChange={(e) => setOpen((e.target as HTMLInputElement).checked)}
          disabled={props.disabled}
        />
        {t('admin.network.show')}
      </label>
      {open ? <NetworkMap {...props} /> : null}
    </fieldset>
  );
}

/** The map of the network and the trace of the break, mounted while the mode is on. */
function NetworkMap({ tenant, admin, value, onChange, disabled }: NetworkPanelProps) {
  const t = useT();
  const services = NETWORK_SERVICES.filter((s) => tenant.services.includes(s));
  const [service, setService] = useState<NetworkService>(value?.service ?? services[0] ?? 'water');
  const { ref, map } = useTenantMap(tenant);
  // The houses under the pipes, as on the drawing map; in a pane below the pipes, which take the clicks.
  useAddressLayer(map, tenant, 'network-addresses');
  const { trace, error } = useTrace(admin, value);
  const layer = useNetworkLayer(
    map,
    admin,
    service,
    trace,
    (at) => !disabled && onChange({ service, at, failedValves: [] }),
  );

  const failed = new Set(value?.failedValves ?? []);
  const toggleFailed = (id: string) => {
    if (!value) return;
    const next = failed.has(id) ? value.failedValves.filter((v) => v !== id) : [...value.failedValves, id];
    onChange({ ...value, failedValves: next });
  };
  const listed = [...(trace?.valvesToClose ?? []), ...(trace?.passedValves.filter((v) => v.reason === 'failed') ?? [])];

  return (
    <div>
      {services.length > 1 ? (
        <label>
          {t('admin.network.service')}{' '}
          <select
            value={service}
            onChange={(e) => setService((e.target as HTMLSelectElement).value as NetworkService)}
            disabled={disabled}
          >
            {services.map((s) => (
              <option key={s} value={s}>
                {t(`common.services.${s}`)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <p class="muted">{layer.zoomedOut ? t('admin.network.zoomIn') : t('admin.network.hint')}</p>
      <div
        ref={ref}
        class="map"
        role="region"
        aria-label={t('admin.network.map')}
        data-zoom={layer.zoom ?? undefined}
        data-traced={trace ? trace.isolatedPipes.length : undefined}
      />
      <ErrorAlert error={error} />
      {trace ? (
        <div class="network-trace" data-addresses={trace.addresses.count}>
          <p>{t('admin.network.addresses', { count: trace.addresses.count, inferred: trace.addresses.inferred })}</p>
          {trace.sourcesReached.length > 0 ? (
            <p>{t('admin.network.sources', { ids: trace.sourcesReached.map((s) => s.id).join(', ') })}</p>
          ) : null}
          <h3>{t('admin.network.valves', { count: trace.valvesToClose.length })}</h3>
          <ul class="network-valves">
            {listed.map((v) => (
              <li key={v.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={failed.has(v.id)}
                    onChange={() => toggleFailed(v.id)}
                    disabled={disabled}
                  />
                  {t('admin.network.failed', { id: v.id })}
                </label>
              </li>
            ))}
          </ul>
          <Button variant="secondary" small onClick={() => onChange(null)} disabled={disabled}>
            {t('admin.network.clear')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
