/**
 * One incident: its details and status, publish to the public map, the area (editable until the first
 * message freezes the recipients) with its preview, the message composer, and every message's live
 * delivery. Follow-ups (update, all clear, cancel) go to the same recipients.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Link } from '../../shared/components/Link';
import { StatusBadge } from '../../shared/components/StatusBadge';
import { ErrorAlert, Loading } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { useAction, useLoad } from '../../shared/hooks';
import { formatDateTime, useT } from '../../shared/i18n';
import type { ConsoleSession } from '../AdminApp';
import type { Incident, IncidentStatus, MessageKind } from '../admin-api';
import type { AreaValue } from '../area/area';
import { AreaPanel } from '../incident/AreaPanel';
import { ComposeForm } from '../compose/ComposeForm';
import { messageTemplates } from '../compose/templates';
import { fromApiArea } from '../incident/area-format';
import { DeliveryProgress } from '../incident/DeliveryProgress';
import { useAreaPreview } from '../incident/use-area-preview';
import { shownStatus } from '../incident/incident-status';

const FIRST: MessageKind[] = ['alert'];
const FOLLOW_UPS: MessageKind[] = ['update', 'all-clear', 'cancel'];

function IncidentHeader({
  session,
  incident,
  onChanged,
}: {
  session: ConsoleSession;
  incident: Incident;
  onChanged: (i: Incident) => void;
}) {
  const t = useT();
  const change = useAction(async (body: { published?: boolean; status?: IncidentStatus }) =>
    onChanged(await session.admin.updateIncident(incident.id, body)),
  );
  const canEdit = session.operator.role !== 'viewer';
  const open = incident.status === 'active' || incident.status === 'draft';
  return (
    <section class="card" aria-labelledby="incident-heading">
      <p>
        <Link href="/admin">← {t('admin.incident.back')}</Link>
      </p>
      <h1 id="incident-heading">{incident.title}</h1>
      <p>
        <StatusBadge status={shownStatus(incident)} /> {t(`common.services.${incident.service}`)} ·{' '}
        {t(`common.kinds.${incident.kind}`)} ·{' '}
        <span class={incident.published ? 'badge badge--ok' : 'badge'}>
          {incident.published ? t('admin.incident.published') : t('admin.incident.notPublished')}
        </span>
      </p>
      <p class="muted">
        {incident.startsAt ? `${t('admin.incident.startsAt')}: ${formatDateTime(incident.startsAt)}` : ''}
        {incident.endsAt ? ` · ${t('admin.incident.endsAt')}: ${formatDateTime(incident.endsAt)}` : ''}
      </p>
      {incident.description ? <p class="notice-text">{incident.description}</p> : null}
      {canEdit ? (
        <div class="row">
          <Button
            variant="secondary"
            small
            busy={change.busy}
            onClick={() => void change.run({ published: !incident.published })}
          >
            {incident.published ? t('admin.incident.unpublish') : t('admin.incident.publish')}
          </Button>
          {open ? (
            <Button
              variant="secondary"
              small
              busy={change.busy}
              onClick={() => void change.run({ status: 'resolved' })}
            >
              {t('admin.incident.resolve')}
            </Button>
          ) : null}
        </div>
      ) : null}
      <ErrorAlert error={change.error} />
    </section>
  );
}

/** Set by the area section: saves an area change still waiting to settle, so a Send goes to the area as drawn. */
type AreaSettle = { current: () => Promise<void> };

function AreaSection({
  session,
  incident,
  frozen,
  settle,
}: {
  session: ConsoleSession;
  incident: Incident;
  frozen: boolean;
  settle: AreaSettle;
}) {
  const t = useT();
  const initial = useMemo(() => fromApiArea(incident), [incident.id]);
  const [area, setArea] = useState<AreaValue>(initial);
  const editable = !frozen && session.operator.role !== 'viewer';
  const preview = useAreaPreview({
    admin: session.admin,
    area,
    editable,
    incidentId: incident.id,
    selectionGeometry: incident.selectionGeometry,
    // Once the first message has frozen the recipients, the counts are the frozen set's.
    refresh: incident.frozen,
    saveArea: (apiArea) => session.admin.updateIncident(incident.id, apiArea),
  });
  settle.current = preview.settle;
  return (
    <section aria-labelledby="area-heading">
      <h2 id="area-heading">{t('admin.incident.area')}</h2>
      <AreaPanel
        tenant={session.tenant}
        value={area}
        onChange={setArea}
        preview={preview}
        editable={editable}
        findStreets={session.admin.findStreets}
      />
    </section>
  );
}

/** What residents texted back to the notices of this incident (polled while the page is open). */
function RepliesSection({ session, incidentId }: { session: ConsoleSession; incidentId: string }) {
  const t = useT();
  const replies = useLoad(() => session.admin.replies(incidentId), [incidentId], 15_000);
  const list = replies.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="replies-heading">
      <h2 id="replies-heading">{t('admin.incident.replies')}</h2>
      <ErrorAlert error={replies.error} />
      {replies.data && list.length === 0 ? <p>{t('admin.incident.noReplies')}</p> : null}
      <ul class="list-plain">
        {list.map((r) => (
          <li key={r.id} class="sms-reply">
            <p>
              <strong>{r.from}</strong> · <span class="muted">{formatDateTime(r.receivedAt)}</span>
            </p>
            <p class="sms-reply__text">{r.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function IncidentPage({ session, id }: { session: ConsoleSession; id: string }) {
  const t = useT();
  const loaded = useLoad(() => session.admin.incident(id), [id]);
  const [incident, setIncident] = useState<Incident | null>(null);
  useEffect(() => setIncident(loaded.data ?? null), [loaded.data]);
  const messages = useLoad(() => session.admin.messages(id), [id]);
  const settings = useLoad(() => session.admin.settings(), [session.admin]);
  const items = messages.data?.items ?? [];
  const areaSettle = useRef<() => Promise<void>>(async () => {});

  if (!incident) return loaded.error ? <ErrorAlert error={loaded.error} /> : <Loading />;
  const frozen = incident.frozen || items.length > 0;
  return (
    <div class="incident-page">
      <IncidentHeader session={session} incident={incident} onChanged={setIncident} />
      <AreaSection session={session} incident={incident} frozen={frozen} settle={areaSettle} />
      {session.operator.role !== 'viewer' ? (
        <ComposeForm
          key={items.length}
          heading={frozen ? t('admin.compose.followUp') : t('admin.compose.heading')}
          languages={session.tenant.languages}
          kinds={frozen ? FOLLOW_UPS : FIRST}
          allowLinks={settings.data?.allowLinksInSms !== false}
          templates={(kind) => messageTemplates(session.tenant, incident, kind)}
          onSend={async (message) => {
            await areaSettle.current();
            await session.admin.send(incident.id, message);
            await messages.reload();
          }}
        />
      ) : null}
      <section class="card" aria-labelledby="messages-heading">
        <h2 id="messages-heading">{t('admin.incident.messages')}</h2>
        <ErrorAlert error={messages.error} />
        {messages.data && items.length === 0 ? <p>{t('admin.incident.noMessages')}</p> : null}
        {[...items].reverse().map((m) => (
          <DeliveryProgress
            key={m.id}
            admin={session.admin}
            message={m}
            role={session.operator.role}
            onChanged={() => void messages.reload()}
            onStatus={() => void loaded.reload()}
          />
        ))}
      </section>
      {items.length > 0 ? <RepliesSection session={session} incidentId={incident.id} /> : null}
    </div>
  );
}
