/** Incidents: active, planned, past and drafts, each as a table. */
import { useState } from 'preact/hooks';
import { Link } from '../../shared/components/Link';
import { StatusBadge } from '../../shared/components/StatusBadge';
import { ErrorAlert, Loading } from '../../shared/components/feedback';
import { useLoad } from '../../shared/hooks';
import { formatDateTime, useT } from '../../shared/i18n';
import { DataTable } from '../../shared/components/DataTable';
import type { ConsoleSession } from '../AdminApp';
import { incidentTab, shownStatus, type IncidentTab } from '../incident/incident-status';

const TABS: IncidentTab[] = ['active', 'planned', 'past', 'draft'];

export function IncidentsPage({ session }: { session: ConsoleSession }) {
  const t = useT();
  const [tab, setTab] = useState<IncidentTab>('active');
  const incidents = useLoad(() => session.admin.incidents(), [session.admin], 15_000);
  const shown = (incidents.data?.items ?? []).filter((i) => incidentTab(i) === tab);

  return (
    <section aria-labelledby="incidents-heading">
      <div class="page-head">
        <h1 id="incidents-heading">{t('admin.incidents.heading')}</h1>
        {session.operator.role !== 'viewer' ? (
          <Link href="/admin/incidents/new" class="button">
            {t('admin.nav.newIncident')}
          </Link>
        ) : null}
      </div>
      <div class="tabs" role="group" aria-label={t('admin.incidents.heading')}>
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            class={tab === name ? 'tab tab--current' : 'tab'}
            aria-pressed={tab === name}
            onClick={() => setTab(name)}
          >
            {t(`admin.incidents.tabs.${name}`)} (
            {(incidents.data?.items ?? []).filter((i) => incidentTab(i) === name).length})
          </button>
        ))}
      </div>
      {incidents.loading && !incidents.data ? <Loading /> : null}
      <ErrorAlert error={incidents.error} />
      {incidents.data && shown.length === 0 ? <p>{t('admin.incidents.none')}</p> : null}
      {shown.length > 0 ? (
        <DataTable
          label={t(`admin.incidents.tabs.${tab}`)}
          rows={shown}
          rowKey={(i) => i.id}
          columns={[
            {
              header: t('admin.incidents.title'),
              cell: (i) => <Link href={`/admin/incidents/${encodeURIComponent(i.id)}`}>{i.title}</Link>,
            },
            {
              header: t('admin.incidents.service'),
              cell: (i) => `${t(`common.services.${i.service}`)} · ${t(`common.kinds.${i.kind}`)}`,
            },
            { header: t('admin.incidents.status'), cell: (i) => <StatusBadge status={shownStatus(i)} /> },
            { header: t('admin.incidents.starts'), cell: (i) => formatDateTime(i.startsAt) },
            { header: t('admin.incidents.ends'), cell: (i) => formatDateTime(i.endsAt) },
            { header: t('admin.incidents.published'), cell: (i) => (i.published ? t('common.yes') : t('common.no')) },
          ]}
        />
      ) : null}
    </section>
  );
}
