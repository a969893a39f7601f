/** Upload an area as a GeoJSON or KML file; its polygons and lines join the drawn shapes. */
import { useId, useState } from 'preact/hooks';
import { Alert } from '../../shared/components/feedback';
import { useT } from '../../shared/i18n';
import { shapesFromGeoJson, type AreaDraft } from './area';
import { kmlToFeatures } from './kml';

export async function readAreaFile(file: File, defaultBuffer: number): Promise<AreaDraft> {
  const text = await file.text();
  const isKml = /\.kml$/i.test(file.name) || text.trimStart().startsWith('<');
  const parsed: unknown = isKml ? { type: 'FeatureCollection', features: kmlToFeatures(text) } : JSON.parse(text);
  return shapesFromGeoJson(parsed, defaultBuffer);
}

export function AreaUpload({
  defaultBuffer,
  onShapes,
}: {
  defaultBuffer: number;
  onShapes: (shapes: AreaDraft) => void;
}) {
  const t = useT();
  const id = useId();
  const [problem, setProblem] = useState<string | null>(null);

  async function load(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    try {
      const shapes = await readAreaFile(file, defaultBuffer);
      if (shapes.length === 0) throw new Error('empty');
      setProblem(null);
      onShapes(shapes);
    } catch {
      setProblem(t('admin.area.badFile'));
    } finally {
      input.value = '';
    }
  }

  return (
    <div class="field">
      <label for={id}>{t('admin.area.upload')}</label>
      <input
        id={id}
        type="file"
        accept=".geojson,.json,.kml,application/geo+json,application/json,application/vnd.google-earth.kml+xml"
        onChange={(e) => void load(e.currentTarget)}
      />
      {problem ? <Alert kind="error">{problem}</Alert> : null}
    </div>
  );
}
