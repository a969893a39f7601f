/**
 * Keeps the server's copy of the area in step with the drawing and asks for the preview counts after
 * each change (debounced; one request at a time, the latest area wins).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { MultiPolygon } from 'geojson';
import type { AdminApi, Incident, Preview } from '../admin-api';
import { isEmptyArea, type AreaValue } from '../area/area';
import { toApiArea, type ApiArea } from './area-format';

const SETTLE_MS = 400;

interface AreaPreviewOptions {
  admin: AdminApi;
  area: AreaValue;
  /** Saves the area (creating the incident if needed) and returns the incident as saved. */
  saveArea: (area: ApiArea) => Promise<Pick<Incident, 'id' | 'selectionGeometry'>>;
  /** False once the recipients are frozen (the first message went out): the area no longer changes. */
  editable: boolean;
  incidentId: string | null;
  /** The saved incident's street and postal-code shape, before any change. */
  selectionGeometry?: MultiPolygon | null;
  /** Asks again when this changes (the incident was frozen meanwhile). */
  refresh?: unknown;
}

/** What the map shows of the saved area: its addresses highlighted (a new version after each save) and the shape of its streets. */
export interface AreaHighlight {
  incidentId: string;
  version: string;
  selectionGeometry: MultiPolygon | null;
}

export function useAreaPreview({
  admin,
  area,
  saveArea,
  editable,
  incidentId,
  selectionGeometry = null,
  refresh,
}: AreaPreviewOptions) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [updating, setUpdating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** The incident whose saved area the map highlights, and a version that changes with each save. */
  const [highlight, setHighlight] = useState<AreaHighlight | null>(
    incidentId ? { incidentId, version: '0', selectionGeometry } : null,
  );
  const chain = useRef<Promise<void>>(Promise.resolve());
  const generation = useRef(0);
  const save = useRef(saveArea);
  save.current = saveArea;
  // Read when a queued save runs, not when it was queued: a send may have frozen the area meanwhile.
  const editableNow = useRef(editable);
  editableNow.current = editable;
  // The area as the server has it: the one loaded is not saved back (a save of it racing a Send was refused).
  const lastSaved = useRef<AreaValue | null>(incidentId ? area : null);
  /** The save waiting for the drawing to settle, if any. */
  const pending = useRef<(() => void) | null>(null);
  // A page left (e.g. for the incident's own page after Send) saves nothing it had queued.
  useEffect(() => () => void generation.current++, []);

  useEffect(() => {
    if (isEmptyArea(area)) {
      setPreview(null);
      return undefined;
    }
    const mine = ++generation.current;
    let started = false;
    const run = () => {
      if (started) return;
      started = true;
      if (pending.current === run) pending.current = null;
      setUpdating(true);
      chain.current = chain.current.then(async () => {
        if (mine !== generation.current) return;
        try {
          const saved = editableNow.current && area !== lastSaved.current ? await save.current(toApiArea(area)) : null;
          if (saved) lastSaved.current = area;
          const id = saved?.id ?? incidentId;
          if (!id) return;
          const counts = await admin.preview(id);
          if (mine === generation.current) {
            setHighlight({
              incidentId: id,
              version: String(mine),
              selectionGeometry: saved ? saved.selectionGeometry : selectionGeometry,
            });
            setPreview(counts);
            setError(null);
          }
        } catch (e) {
          if (mine === generation.current) setError(e);
        } finally {
          if (mine === generation.current) setUpdating(false);
        }
      });
    };
    pending.current = run;
    const timer = setTimeout(run, SETTLE_MS);
    return () => {
      clearTimeout(timer);
      if (pending.current === run) pending.current = null;
    };
  }, [area, editable, refresh]);

  /** Saves a change still waiting for the drawing to settle now, and resolves once every save has answered. */
  const settle = useCallback(async () => {
    pending.current?.();
    await chain.current;
  }, []);

  return { preview, updating, error, highlight, settle };
}
