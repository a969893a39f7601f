/**
 * Street lines derived from the tenant's addresses (`/api/t/{tenant}/map/streets`), drawn as roads with
 * their names, so that a map without a tile server still reads as a town. Fetched for the view (with a
 * margin) from zoom 13 on; names from zoom 15.
 */
import L from 'leaflet';

const MIN_ZOOM = 13;
const NAME_ZOOM = 15;
const PANE = 'streets';

interface StreetCollection {
  features: Array<{ geometry: { coordinates: Array<[number, number]> }; properties: { name: string } }>;
}

/** The vertex of the line nearest the view's centre: where its name is seen. */
function nearest(line: L.LatLng[], centre: L.LatLng): L.LatLng {
  let best = line[0]!;
  for (const p of line) if (p.distanceTo(centre) < best.distanceTo(centre)) best = p;
  return best;
}

export class StreetLayer {
  private readonly group = L.layerGroup();
  private readonly renderer: L.Renderer;
  private fetched: L.LatLngBounds | null = null;
  private streets: StreetCollection | null = null;
  private generation = 0;
  private readonly onMove = () => void this.refresh();

  constructor(
    private readonly map: L.Map,
    private readonly url: (bbox: string) => string,
  ) {
    // A pane of its own under the overlays (areas, incidents): the roads lie beneath what is drawn on them.
    const pane = map.getPane(PANE) ?? map.createPane(PANE);
    pane.style.zIndex = '350';
    this.renderer = L.svg({ pane: PANE });
    this.group.addTo(map);
    map.on('moveend zoomend', this.onMove);
    void this.refresh();
  }

  remove(): void {
    // A refresh still waiting for its answer ends when it sees the generation moved on.
    this.generation++;
    this.map.off('moveend zoomend', this.onMove);
    this.group.remove();
  }

  private async refresh(): Promise<void> {
    const mine = ++this.generation;
    if (this.map.getZoom() < MIN_ZOOM) {
      this.group.clearLayers();
      return;
    }
    const view = this.map.getBounds();
    if (!this.fetched || !this.fetched.contains(view)) {
      const wanted = view.pad(0.5);
      const bbox = [wanted.getWest(), wanted.getSouth(), wanted.getEast(), wanted.getNorth()]
        .map((v) => v.toFixed(4))
        .join(',');
      try {
        const response = await fetch(this.url(bbox), { headers: { accept: 'application/geo+json' } });
        if (!response.ok || mine !== this.generation) return;
        const streets = (await response.json()) as StreetCollection;
        if (mine !== this.generation) return;
        this.streets = streets;
        this.fetched = wanted;
      } catch {
        return;
      }
    }
    this.draw();
  }

  private draw(): void {
    this.group.clearLayers();
    const named = this.map.getZoom() >= NAME_ZOOM;
    const centre = this.map.getCenter();
    const options = { renderer: this.renderer, interactive: false, pmIgnore: true };
    for (const street of this.streets?.features ?? []) {
      const line = street.geometry.coordinates.map(([lon, lat]) => L.latLng(lat, lon));
      this.group.addLayer(
        L.polyline(line, { ...options, color: '#aab3bd', weight: 7, lineCap: 'round' } as L.PolylineOptions),
      );
      const road = L.polyline(line, { ...options, color: '#ffffff', weight: 4, lineCap: 'round' } as L.PolylineOptions);
      if (named) {
        // As text: a name is whatever the register holds.
        const name = document.createElement('span');
        name.textContent = street.properties.name;
        road.bindTooltip(name, { permanent: true, direction: 'center', className: 'street-label' });
        road.once('add', () => road.openTooltip(nearest(line, centre)));
      }
      this.group.addLayer(road);
    }
    this.map.getContainer().dataset.streets = String(this.streets?.features.length ?? 0);
  }
}
