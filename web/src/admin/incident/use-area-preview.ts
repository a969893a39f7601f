/**
 * Keeps the server's copy of the area in step with the drawing and asks for the preview counts after
 * each change (debounced; one request at a time, the latest area wins).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AdminApi, Preview } from '../admin-api';
import { isEmptyArea, type AreaValue } from '../area/area';
import { toApiArea, type ApiArea } from './area-format';

const SETTLE_MS = 400;

interface AreaPreviewOptions {
  admin: AdminApi;
  area: AreaValue;
  /** Saves the area (creating the incident if needed) and returns its id. */
  saveArea: (area: ApiArea) => Promise<string>;
  /** False once the recipients are frozen (the first message went out): the area no longer changes. */
  editable: boolean;
  incidentId: string | null;
  /** Asks again when this changes (the incident was frozen meanwhile). */
  refresh?: unknown;
}

export function useAreaPreview({ admin, area, saveArea, editable, incidentId, refresh }: AreaPreviewOptions) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [updating, setUpdating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const generation = useRef(0);
  const save = useRef(saveArea);
  save.current = saveArea;

  useEffect(() => {
    if (isEmptyArea(area)) {
      setPreview(null);
      return undefined;
    }
    const mine = ++generation.current;
    const timer = setTimeout(() => {
      setUpdating(true);
      chain.current = chain.current.then(async () => {
        if (mine !== generation.current) return;
        try {
          const id = editable ? await save.current(toApiArea(area)) : incidentId;
          if (!id) return;
          const counts = await admin.preview(id);
          if (mine === generation.current) {
            setPreview(counts);
            setError(null);
          }
        } catch (e) {
          if (mine === generation.current) setError(e);
        } finally {
          if (mine === generation.current) setUpdating(false);
        }
      });
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [area, editable, refresh]);

  return { preview, updating, error };
}
