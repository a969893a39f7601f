/**
 * New incident: details, the area drawn on the map (or uploaded) with the preview counts following
 * every change, then save and go on to the message.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import { navigate } from '../../shared/router';
import type { Console } from '../AdminApp';
import type { Incident } from '../admin-api';
import { EMPTY_AREA, isEmptyArea, type AreaValue } from '../area/area';
import { AreaPanel } from '../incident/AreaPanel';
import { toApiArea, type ApiArea } from '../incident/area-format';
import { detailsToInput, IncidentDetails, type DetailsValue } from '../incident/IncidentDetails';
import { useAreaPreview } from '../incident/use-area-preview';
import { Form } from '../../shared/components/Form';

export function NewIncidentPage({ console: c }: { console: Console }) {
  const t = useT();
  const [details, setDetails] = useState<DetailsValue>({
    service: c.tenant.services[0] ?? 'water',
    kind: 'sudden',
    title: '',
    description: '',
    startsAt: '',
    endsAt: '',
  });
  const [area, setArea] = useState<AreaValue>(EMPTY_AREA);
  const incidentId = useRef<string | null>(null);
  const detailsRef = useRef(details);
  detailsRef.current = details;

  /** The first area creates the incident (unpublished); later ones update it. */
  async function saveArea(apiArea: ApiArea): Promise<Incident> {
    const input = detailsToInput(detailsRef.current);
    if (incidentId.current) return c.admin.updateIncident(incidentId.current, apiArea);
    const created = await c.admin.createIncident({ ...input, title: input.title || t(`common.services.${input.service}`), ...apiArea, published: false, status: 'draft' });
    incidentId.current = created.id;
    return created;
  }

  const preview = useAreaPreview({ admin: c.admin, area, saveArea, editable: true, incidentId: incidentId.current });
  const save = useAction(async () => {
    const input = { ...detailsToInput(details), ...toApiArea(area), status: 'active' as const };
    const id = incidentId.current ? (await c.admin.updateIncident(incidentId.current, input)).id : (await c.admin.createIncident({ ...input, published: false })).id;
    navigate(`/admin/incidents/${encodeURIComponent(id)}`);
  });
  const fieldError = (field: string) => (save.error instanceof ApiError ? save.error.fieldMessage(field) : undefined);

  return (
    <div class="incident-page">
      <h1>{t('admin.incident.newHeading')}</h1>
      <Form class="card" aria-label={t('admin.incident.details')} onSubmit={() => void save.run()}>
        <IncidentDetails services={c.tenant.services} value={details} onChange={setDetails} errors={fieldError} />
        <h2>{t('admin.incident.area')}</h2>
        <AreaPanel tenant={c.tenant} value={area} onChange={setArea} preview={preview} editable />
        {save.error && fieldError('area') ? <Alert kind="error">{fieldError('area')}</Alert> : <ErrorAlert error={save.error} />}
        <Button type="submit" busy={save.busy} disabled={isEmptyArea(area) || !details.title.trim()}>
          {t('admin.incident.create')}
        </Button>
        {isEmptyArea(area) ? <p class="muted">{t('admin.incident.areaNeeded')}</p> : null}
      </Form>
    </div>
  );
}
