/**
 * The tenant's address points on an operator map, from the server's address tiles
 * (`/api/t/{tenant}/map/addresses/{z}/{x}/{y}`): zoomed out, clusters with their counts; at street level
 * each address as a dot with its "street number" on hover (and, from zoom 18, its number beside it).
 * With an incident, the addresses its area holds are highlighted; `setIncident` with a new version
 * fetches the tiles again after the area changed. Points draw on one canvas, so thousands stay smooth.
 */
import L from 'leaflet';

/** The server lists points from this zoom on (bins below). */
const POINT_ZOOM = 16;
const LABEL_ZOOM = 18;
const MAX_TILES = 64;
/** Clusters nearer each other than this many pixels are drawn as one. */
const MERGE_PX = 30;
const INSIDE_COLOR = '#b3261e';
const POINT_COLOR = '#3d4752';

type Bin = [lon: number, lat: number, count: number, inside: number];
type Point = [lon: number, lat: number, label: string, inside: 0 | 1, number: string];
interface Tile {
  bins?: Bin[];
  points?: Point[];
}

export class AddressLayer {
  private readonly group = L.layerGroup();
  private readonly renderer: L.Renderer;
  private readonly cache = new Map<string, Promise<Tile>>();
  private incident = '';
  private generation = 0;
  private readonly onMove = () => void this.draw();

  /**
   * `pane`: a pane of its own under the overlays, for maps whose overlays take clicks (the pipe network):
   * the canvas would otherwise lie over them or under them by which was drawn first.
   */
  constructor(
    private readonly map: L.Map,
    private readonly tileUrl: (z: number, x: number, y: number, incident: string) => string,
    pane?: string,
  ) {
    if (pane && !map.getPane(pane)) map.createPane(pane).style.zIndex = '380';
    this.renderer = L.canvas({ padding: 0.3, ...(pane ? { pane } : {}) });
    this.group.addTo(map);
    map.on('moveend zoomend', this.onMove);
    void this.draw();
  }

  /** Highlights the addresses of this incident (null: none); a new version fetches the tiles again. */
  setIncident(id: string | null, version: string | number = ''): void {
    const next = id ? `${id}\u0000${version}` : '';
    if (next === this.incident) return;
    this.incident = next;
    this.cache.clear();
    void this.draw();
  }

  remove(): void {
    // A draw still waiting for its tiles ends when it sees the generation moved on.
    this.generation++;
    this.map.off('moveend zoomend', this.onMove);
    this.group.remove();
  }

  private fetchTile(z: number, x: number, y: number): Promise<Tile> {
    const key = `${z}/${x}/${y}`;
    let tile = this.cache.get(key);
    if (!tile) {
      const [id = '', version = ''] = this.incident.split('\u0000');
      const url = this.tileUrl(z, x, y, id) + (id ? `&v=${encodeURIComponent(version)}` : '');
      tile = fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then((r) =>
        r.ok ? (r.json() as Promise<Tile>) : {},
      );
      this.cache.set(key, tile);
      tile.catch(() => this.cache.delete(key));
    }
    return tile;
  }

  private tilesInView(z: number): Array<[number, number]> {
    const bounds = this.map.getBounds();
    const max = 2 ** z - 1;
    const nw = this.map.project(bounds.getNorthWest(), z).divideBy(256).floor();
    const se = this.map.project(bounds.getSouthEast(), z).divideBy(256).floor();
    const tiles: Array<[number, number]> = [];
    for (let x = Math.max(0, nw.x); x <= Math.min(max, se.x); x++) {
      for (let y = Math.max(0, nw.y); y <= Math.min(max, se.y); y++) tiles.push([x, y]);
    }
    return tiles.slice(0, MAX_TILES);
  }

  private async draw(): Promise<void> {
    const mine = ++this.generation;
    const zoom = this.map.getZoom();
    const z = Math.max(0, Math.min(POINT_ZOOM, Math.floor(zoom)));
    let tiles: Tile[];
    try {
      tiles = await Promise.all(this.tilesInView(z).map(([x, y]) => this.fetchTile(z, x, y)));
    } catch {
      return;
    }
    if (mine !== this.generation) return;
    this.group.clearLayers();
    let points = 0;
    let inside = 0;
    for (const bin of this.merged(tiles.flatMap((tile) => tile.bins ?? []))) {
      this.group.addLayer(bin[2] === 1 ? this.dot(bin[0], bin[1], bin[3] > 0, null, null) : this.cluster(bin));
      points += bin[2];
      inside += bin[3];
    }
    for (const tile of tiles) {
      for (const point of tile.points ?? []) {
        this.group.addLayer(
          this.dot(point[0], point[1], point[3] === 1, point[2], zoom >= LABEL_ZOOM ? point[4] : null),
        );
        points += 1;
        inside += point[3];
      }
    }
    // What is drawn, for whoever reads the page (tests, screen-reader summaries).
    const container = this.map.getContainer();
    container.dataset.addressPoints = String(points);
    container.dataset.addressInside = String(inside);
  }

  /**
   * Bins closer on screen than MERGE_PX joined (counts summed, positions weighted): the server's cells
   * follow tile edges, so a street across one would show as two overlapping clusters.
   */
  private merged(bins: Bin[]): Bin[] {
    const grid = new Map<string, Bin[]>();
    const out: Bin[] = [];
    const keyOf = (p: L.Point) => `${Math.floor(p.x / MERGE_PX)}:${Math.floor(p.y / MERGE_PX)}`;
    for (const bin of [...bins].sort((a, b) => b[2] - a[2])) {
      const at = this.map.latLngToLayerPoint([bin[1], bin[0]]);
      const cx = Math.floor(at.x / MERGE_PX);
      const cy = Math.floor(at.y / MERGE_PX);
      let target: Bin | undefined;
      for (let dx = -1; dx <= 1 && !target; dx++) {
        for (let dy = -1; dy <= 1 && !target; dy++) {
          target = grid
            .get(`${cx + dx}:${cy + dy}`)
            ?.find((c) => this.map.latLngToLayerPoint([c[1], c[0]]).distanceTo(at) < MERGE_PX);
        }
      }
      if (target) {
        const n = target[2] + bin[2];
        target[0] = (target[0] * target[2] + bin[0] * bin[2]) / n;
        target[1] = (target[1] * target[2] + bin[1] * bin[2]) / n;
        target[2] = n;
        target[3] += bin[3];
        continue;
      }
      const copy: Bin = [bin[0], bin[1], bin[2], bin[3]];
      out.push(copy);
      const key = keyOf(at);
      grid.set(key, [...(grid.get(key) ?? []), copy]);
    }
    return out;
  }

  /** A dot; `number` shown beside it (street level), `label` on hover. */
  private dot(
    lon: number,
    lat: number,
    isInside: boolean,
    label: string | null,
    number: string | null,
  ): L.CircleMarker {
    const color = isInside ? INSIDE_COLOR : POINT_COLOR;
    const marker = L.circleMarker([lat, lon], {
      renderer: this.renderer,
      radius: isInside ? 6 : 4,
      color: '#fff',
      weight: 1,
      fillColor: color,
      fillOpacity: 0.9,
      interactive: label !== null,
      pmIgnore: true,
    } as L.CircleMarkerOptions);
    if (label) {
      // As text: a label is whatever the register holds.
      const text = document.createElement('span');
      text.textContent = number ?? label;
      if (number) text.title = label;
      marker.bindTooltip(
        text,
        number
          ? { permanent: true, direction: 'right', className: 'address-label', offset: [4, 0] }
          : { direction: 'top' },
      );
    }
    return marker;
  }

  /** A cluster with its count ("inside / all" where the area holds some); clicks go through to the map (drawing). */
  private cluster([lon, lat, count, inside]: Bin): L.Marker {
    const short = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));
    const text = inside > 0 ? `${short(inside)}/${short(count)}` : short(count);
    const size = Math.min(56, 18 + text.length * 6);
    const icon = L.divIcon({
      className: `address-cluster${inside > 0 ? ' address-cluster--inside' : ''}`,
      html: `<span aria-hidden="true">${text}</span>`,
      iconSize: [size, 22],
    });
    return L.marker([lat, lon], { icon, keyboard: false, interactive: false, pmIgnore: true } as L.MarkerOptions);
  }
}
