/**
 * The affected area, drawn on the map (leaflet-geoman): polygon, rectangle, circle, a line with a
 * buffer — or uploaded as GeoJSON/KML. Our own toolbar of real buttons (named, translated, keyboard
 * reachable) drives geoman; every change reports the shapes to the parent.
 */
import L from './leaflet-global';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fitTo } from '../../shared/map/base-map';
import '../../shared/map/map.css';
import { useAddressLayer, useTenantMap } from '../../shared/map/use-tenant-map';
import { currentLanguage, useT } from '../../shared/i18n';
import type { PublicTenant } from '../../shared/tenant';
import { Button, TextField } from '../../shared/components/forms';
import type { AreaDraft, AreaShape } from './area';
import type { AreaHighlight } from '../incident/use-area-preview';
import { AreaUpload } from './AreaUpload';
import { MapSearch } from './MapSearch';

const DRAW_STYLE = { color: '#b3261e', weight: 3, fillOpacity: 0.2 };
const TOOLS = [
  { shape: 'Polygon', key: 'polygon' },
  { shape: 'Rectangle', key: 'rectangle' },
  { shape: 'Circle', key: 'circle' },
  { shape: 'Line', key: 'line' },
] as const;
type Tool = (typeof TOOLS)[number];

/** The buffer of each drawn line, kept beside the layer. */
const buffers = new WeakMap<L.Layer, number>();

function shapeOf(layer: L.Layer, defaultBuffer: number): AreaShape | null {
  if (layer instanceof L.Circle) {
    const c = layer.getLatLng();
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
      properties: { shape: 'circle', radius: Math.round(layer.getRadius()) },
    };
  }
  if (layer instanceof L.Polygon) {
    const geometry = layer.toGeoJSON().geometry;
    if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return null;
    return { type: 'Feature', geometry, properties: { shape: 'polygon' } };
  }
  if (layer instanceof L.Polyline) {
    const geometry = layer.toGeoJSON().geometry;
    if (geometry.type !== 'LineString') return null;
    return { type: 'Feature', geometry, properties: { shape: 'line', buffer: buffers.get(layer) ?? defaultBuffer } };
  }
  return null;
}

function layerOf(shape: AreaShape): L.Layer {
  const p = shape.properties;
  if (p.shape === 'circle') {
    const [lon, lat] = shape.geometry.coordinates as [number, number];
    return L.circle([lat, lon], { radius: p.radius, ...DRAW_STYLE });
  }
  const layer = L.geoJSON(shape, { style: DRAW_STYLE }).getLayers()[0]!;
  if (p.shape === 'line') buffers.set(layer, p.buffer);
  return layer;
}

interface AreaEditorProps {
  tenant: PublicTenant;
  value: AreaDraft;
  onChange: (area: AreaDraft) => void;
  /** Shows the shapes without the drawing tools (recipients frozen, or a viewer). */
  readOnly?: boolean;
  /** The saved incident whose addresses the map highlights (a new version after each save), with its street shape. */
  highlight?: AreaHighlight | null;
}

export function AreaEditor({ tenant, value, onChange, readOnly = false, highlight = null }: AreaEditorProps) {
  const t = useT();
  const { ref, map } = useTenantMap(tenant);
  const addresses = useAddressLayer(map, tenant);
  const drawn = useRef<L.FeatureGroup | null>(null);
  const emitted = useRef<AreaDraft | null>(null);
  const [drawing, setDrawing] = useState<Tool['shape'] | null>(null);
  const [editing, setEditing] = useState(false);
  const [buffer, setBuffer] = useState('25');
  const bufferMetres = Math.max(1, Number.parseInt(buffer, 10) || 25);
  const latest = useRef({ onChange, bufferMetres });
  latest.current = { onChange, bufferMetres };

  function emit() {
    const shapes = (drawn.current?.getLayers() ?? [])
      .map((l) => shapeOf(l, latest.current.bufferMetres))
      .filter((s): s is AreaShape => s !== null);
    emitted.current = shapes;
    latest.current.onChange(shapes);
  }

  useEffect(() => {
    if (!map) return undefined;
    const group = L.featureGroup().addTo(map);
    drawn.current = group;
    map.pm.setGlobalOptions({
      layerGroup: group,
      pathOptions: DRAW_STYLE,
      templineStyle: DRAW_STYLE,
      hintlineStyle: { ...DRAW_STYLE, dashArray: '5 5' },
    } as L.PM.GlobalOptions);
    map.pm.setLang(currentLanguage());
    map.on('pm:drawstart', (e: { shape: string }) => setDrawing(e.shape as Tool['shape']));
    map.on('pm:drawend', () => setDrawing(null));
    map.on('pm:create', (e: { layer: L.Layer; shape: string }) => {
      if (e.shape === 'Line') buffers.set(e.layer, latest.current.bufferMetres);
      e.layer.on('pm:edit pm:dragend pm:rotateend', emit);
      emit();
    });
    map.on('pm:remove', emit);
    return () => {
      map.off('pm:drawstart pm:drawend pm:create pm:remove');
      group.remove();
    };
  }, [map]);

  // A new value from outside (an upload, an existing incident) replaces what is drawn.
  useEffect(() => {
    const group = drawn.current;
    if (!map || !group || (value === emitted.current && !readOnly)) return;
    group.clearLayers();
    for (const shape of value) {
      const layer = layerOf(shape).addTo(group);
      if (readOnly) (layer as L.Layer & { options: { pmIgnore?: boolean } }).options.pmIgnore = true;
      else layer.on('pm:edit pm:dragend pm:rotateend', emit);
    }
    emitted.current = value;
    if (value.length > 0) fitTo(map, group, tenant, 17);
  }, [map, value, readOnly]);

  useEffect(() => {
    addresses?.setIncident(highlight?.incidentId ?? null, highlight?.version);
  }, [addresses, highlight?.incidentId, highlight?.version]);

  // The shape of the streets and postal codes, as the public map and the feeds show it (not editable).
  useEffect(() => {
    if (!map || !highlight?.selectionGeometry) return undefined;
    const shape = L.geoJSON(highlight.selectionGeometry, {
      interactive: false,
      pmIgnore: true,
      style: { ...DRAW_STYLE, dashArray: '6 4', fillOpacity: 0.1 },
    } as L.GeoJSONOptions).addTo(map);
    return () => void shape.remove();
  }, [map, highlight?.selectionGeometry]);

  useEffect(() => {
    if (readOnly && map) {
      map.pm.disableDraw();
      if (map.pm.globalEditModeEnabled()) map.pm.toggleGlobalEditMode();
    }
  }, [readOnly, map]);

  function draw(tool: Tool) {
    if (!map) return;
    if (drawing === tool.shape) return map.pm.disableDraw();
    map.pm.enableDraw(tool.shape, {
      snappable: false,
      finishOn: tool.shape === 'Polygon' || tool.shape === 'Line' ? 'dblclick' : null,
    } as L.PM.DrawModeOptions);
  }

  function toggleEdit() {
    if (!map) return;
    map.pm.toggleGlobalEditMode({ allowSelfIntersection: false });
    setEditing(map.pm.globalEditModeEnabled());
  }

  function clear() {
    drawn.current?.clearLayers();
    emit();
  }

  function applyBuffer(text: string) {
    setBuffer(text);
    const metres = Math.max(1, Number.parseInt(text, 10) || 25);
    for (const layer of drawn.current?.getLayers() ?? []) if (buffers.has(layer)) buffers.set(layer, metres);
    latest.current.bufferMetres = metres;
    emit();
  }

  // One map element whatever the mode: Leaflet stays bound to it when the area becomes read-only.
  return (
    <div class="area-editor">
      <div class="area-editor__toolbar" role="toolbar" aria-label={t('admin.area.tools')} hidden={readOnly}>
        {TOOLS.map((tool) => (
          <Button
            key={tool.key}
            variant="secondary"
            small
            aria-pressed={drawing === tool.shape}
            data-tool={tool.key}
            onClick={() => draw(tool)}
          >
            {t(`admin.area.${tool.key}`)}
          </Button>
        ))}
        <Button variant="secondary" small aria-pressed={editing} onClick={toggleEdit} disabled={value.length === 0}>
          {t('admin.area.edit')}
        </Button>
        <Button variant="secondary" small onClick={clear} disabled={value.length === 0}>
          {t('admin.area.clear')}
        </Button>
      </div>
      {drawing ? (
        <p class="muted" role="status">
          {t(drawing === 'Polygon' || drawing === 'Line' ? 'admin.area.hintVertices' : 'admin.area.hintDrag')}
        </p>
      ) : null}
      <MapSearch map={map} tenantSlug={tenant.slug} />
      <div
        ref={ref}
        class="map map--tall"
        role="region"
        aria-label={t('admin.area.map')}
        data-shapes={value.length}
        data-street-shape={highlight?.selectionGeometry ? 'drawn' : undefined}
      />
      <div class="row" hidden={readOnly}>
        <TextField
          label={t('admin.area.buffer')}
          type="number"
          min="1"
          max="5000"
          value={buffer}
          onValue={applyBuffer}
          inputMode="numeric"
        />
        <AreaUpload defaultBuffer={bufferMetres} onShapes={(shapes) => onChange([...value, ...shapes])} />
      </div>
    </div>
  );
}
