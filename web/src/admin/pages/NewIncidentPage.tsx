/**
 * New incident: details, the area drawn on the map (or uploaded) with the preview counts following
 * every change, then save and go on to the message. The first preview saves the work as a draft, one
 * per browser tab: a reload or a return to this page goes on with it, and "Discard" deletes it.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { useAction, useLoad } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import { navigate } from '../../shared/router';
import type { ConsoleSession } from '../AdminApp';
import type { Incident } from '../admin-api';
import { EMPTY_AREA, isEmptyArea, type AreaValue } from '../area/area';
import { AreaPanel } from '../incident/AreaPanel';
import { fromApiArea, toApiArea, type ApiArea } from '../incident/area-format';
import { detailsToInput, IncidentDetails, toLocalInput, type DetailsValue } from '../incident/IncidentDetails';
import { ConfirmButton } from '../../shared/components/ConfirmButton';
import { Loading } from '../../shared/components/feedback';
import { useAreaPreview } from '../incident/use-area-preview';
import { Form } from '../../shared/components/Form';

const draftKey = (slug: string) => `aviso.draft.${slug}`;

function storage<T>(run: () => T): T | null {
  try {
    return run();
  } catch {
    return null; // No session storage (a private mode): the draft lasts for this page only.
  }
}

/** The draft this tab was working on, if it is still a draft. */
async function storedDraft(session: ConsoleSession): Promise<Incident | null> {
  const id = storage(() => sessionStorage.getItem(draftKey(session.tenant.slug)));
  if (!id) return null;
  const incident = await session.admin.incident(id).catch(() => null);
  if (incident?.status === 'draft' && !incident.frozen) return incident;
  storage(() => sessionStorage.removeItem(draftKey(session.tenant.slug)));
  return null;
}

export function NewIncidentPage({ session }: { session: ConsoleSession }) {
  const [generation, setGeneration] = useState(0);
  const draft = useLoad(() => storedDraft(session), [session.tenant.slug, generation]);
  if (draft.loading) return <Loading />;
  return (
    <NewIncidentForm
      key={`${generation}:${draft.data?.id ?? ''}`}
      session={session}
      draft={draft.data ?? null}
      onDiscarded={() => setGeneration((g) => g + 1)}
    />
  );
}

function NewIncidentForm({
  session,
  draft,
  onDiscarded,
}: {
  session: ConsoleSession;
  draft: Incident | null;
  onDiscarded: () => void;
}) {
  const t = useT();
  const [details, setDetails] = useState<DetailsValue>(
    draft
      ? {
          service: draft.service,
          kind: draft.kind,
          title: draft.title,
          description: draft.description ?? '',
          startsAt: toLocalInput(draft.startsAt),
          endsAt: toLocalInput(draft.endsAt),
        }
      : {
          service: session.tenant.services[0] ?? 'water',
          kind: 'sudden',
          title: '',
          description: '',
          startsAt: '',
          endsAt: '',
        },
  );
  const [area, setArea] = useState<AreaValue>(draft ? fromApiArea(draft) : EMPTY_AREA);
  const incidentId = useRef<string | null>(draft?.id ?? null);
  const [hasDraft, setHasDraft] = useState(draft !== null);
  const detailsRef = useRef(details);
  detailsRef.current = details;

  /** The first area creates the incident (an unpublished draft, remembered for this tab); later ones update it with the details. */
  async function saveArea(apiArea: ApiArea): Promise<Incident> {
    const input = detailsToInput(detailsRef.current);
    const withTitle = { ...input, title: input.title || t(`common.services.${input.service}`) };
    if (incidentId.current) return session.admin.updateIncident(incidentId.current, { ...withTitle, ...apiArea });
    const created = await session.admin.createIncident({ ...withTitle, ...apiArea, published: false, status: 'draft' });
    incidentId.current = created.id;
    storage(() => sessionStorage.setItem(draftKey(session.tenant.slug), created.id));
    setHasDraft(true);
    return created;
  }

  const preview = useAreaPreview({
    admin: session.admin,
    area,
    saveArea,
    editable: true,
    incidentId: incidentId.current,
  });
  const save = useAction(async () => {
    // A draft save still queued or under way would otherwise create a second incident beside this one.
    await preview.settle();
    const input = { ...detailsToInput(details), ...toApiArea(area), status: 'active' as const };
    const id = incidentId.current
      ? (await session.admin.updateIncident(incidentId.current, input)).id
      : (await session.admin.createIncident({ ...input, published: false })).id;
    storage(() => sessionStorage.removeItem(draftKey(session.tenant.slug)));
    navigate(`/admin/incidents/${encodeURIComponent(id)}`);
  });
  const discard = useAction(async () => {
    if (incidentId.current) await session.admin.deleteDraft(incidentId.current);
    storage(() => sessionStorage.removeItem(draftKey(session.tenant.slug)));
    onDiscarded();
  });
  const fieldError = (field: string) => (save.error instanceof ApiError ? save.error.fieldMessage(field) : undefined);

  return (
    <div class="incident-page">
      <h1>{t('admin.incident.newHeading')}</h1>
      {hasDraft ? <Alert kind="info">{t('admin.incident.draftKept')}</Alert> : null}
      <Form class="card" aria-label={t('admin.incident.details')} onSubmit={() => void save.run()}>
        <IncidentDetails services={session.tenant.services} value={details} onChange={setDetails} errors={fieldError} />
        <h2>{t('admin.incident.area')}</h2>
        <AreaPanel
          tenant={session.tenant}
          value={area}
          onChange={setArea}
          preview={preview}
          editable
          findStreets={session.admin.findStreets}
          network={session.admin}
        />
        {save.error && fieldError('area') ? (
          <Alert kind="error">{fieldError('area')}</Alert>
        ) : (
          <ErrorAlert error={save.error ?? discard.error} />
        )}
        <div class="row">
          <Button type="submit" busy={save.busy} disabled={isEmptyArea(area) || !details.title.trim()}>
            {t('admin.incident.create')}
          </Button>
          {hasDraft ? (
            <ConfirmButton
              question={t('admin.incident.discardConfirm')}
              onConfirm={() => discard.run()}
              busy={discard.busy}
            >
              {t('admin.incident.discard')}
            </ConfirmButton>
          ) : null}
        </div>
        {isEmptyArea(area) ? <p class="muted">{t('admin.incident.areaNeeded')}</p> : null}
      </Form>
    </div>
  );
}
