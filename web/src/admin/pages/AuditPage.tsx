/**
 * The audit log for people: who (the operator's name, or what kind of actor), what in words, the subject
 * linked where it has a page (an incident, the incident of a message) — and the raw entry only behind
 * "details". Never numbers or emails of residents (the server leaves them out).
 */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { Link } from '../../shared/components/Link';
import { useAction, useLoad } from '../../shared/hooks';
import { formatDateTime, useT } from '../../shared/i18n';
import { DataTable } from '../../shared/components/DataTable';
import type { ConsoleSession } from '../AdminApp';
import type { AuditEntry, Operator } from '../admin-api';

type ActionKey = 'admin.audit.actions.deny';
type ActorKey = 'admin.audit.actorTypes.system';
type SubjectKey = 'admin.audit.subjectTypes.incident';

function Actor({ entry, operators }: { entry: AuditEntry; operators: Map<string, Operator> }) {
  const t = useT();
  const operator = entry.actorType === 'operator' && entry.actorId ? operators.get(entry.actorId) : undefined;
  if (operator) return <>{operator.name ?? operator.email}</>;
  return <>{t(`admin.audit.actorTypes.${entry.actorType}` as ActorKey, { defaultValue: entry.actorType })}</>;
}

function Subject({ entry, operators }: { entry: AuditEntry; operators: Map<string, Operator> }) {
  const t = useT();
  if (!entry.subjectType) return null;
  const kind = t(`admin.audit.subjectTypes.${entry.subjectType}` as SubjectKey, { defaultValue: entry.subjectType });
  const detail = (entry.detail ?? {}) as { incidentId?: unknown };
  const incidentId =
    entry.subjectType === 'incident'
      ? entry.subjectId
      : typeof detail.incidentId === 'string'
        ? detail.incidentId
        : null;
  if (incidentId && entry.action !== 'incident.delete')
    return <Link href={`/admin/incidents/${encodeURIComponent(incidentId)}`}>{kind}</Link>;
  const operator = entry.subjectType === 'operator' && entry.subjectId ? operators.get(entry.subjectId) : undefined;
  return <>{operator ? `${kind}: ${operator.name ?? operator.email}` : kind}</>;
}

export function AuditPage({ session }: { session: ConsoleSession }) {
  const t = useT();
  const first = useLoad(() => session.admin.audit(), [session.admin]);
  const people = useLoad(() => session.admin.operators().catch(() => ({ items: [] as Operator[] })), [session.admin]);
  const operators = new Map((people.data?.items ?? []).map((o) => [o.id, o]));
  const [more, setMore] = useState<AuditEntry[]>([]);
  const entries = [...(first.data?.items ?? []), ...more];
  const loadMore = useAction(async () => {
    const last = entries[entries.length - 1];
    if (!last) return;
    const page = await session.admin.audit(Number(last.at));
    setMore((m) => [...m, ...page.items]);
  });
  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading">{t('admin.audit.heading')}</h1>
      {first.loading && !first.data ? <Loading /> : null}
      <ErrorAlert error={first.error ?? loadMore.error} />
      {first.data && entries.length === 0 ? <p>{t('admin.audit.none')}</p> : null}
      {entries.length > 0 ? (
        <DataTable
          label={t('admin.audit.heading')}
          rows={entries}
          rowKey={(e) => e.id}
          columns={[
            { header: t('admin.audit.at'), cell: (e) => formatDateTime(e.at) },
            { header: t('admin.audit.actor'), cell: (e) => <Actor entry={e} operators={operators} /> },
            {
              header: t('admin.audit.action'),
              cell: (e) => t(`admin.audit.actions.${e.action}` as ActionKey, { defaultValue: e.action }),
            },
            { header: t('admin.audit.subject'), cell: (e) => <Subject entry={e} operators={operators} /> },
            {
              header: t('admin.audit.detail'),
              cell: (e) =>
                e.detail ? (
                  <details>
                    <summary>{t('admin.audit.show')}</summary>
                    <code class="audit-detail">{JSON.stringify(e.detail)}</code>
                  </details>
                ) : null,
            },
          ]}
        />
      ) : null}
      {first.data && first.data.items.length > 0 ? (
        <Button variant="secondary" onClick={() => void loadMore.run()} busy={loadMore.busy}>
          {t('admin.audit.more')}
        </Button>
      ) : null}
    </section>
  );
}
