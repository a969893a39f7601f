/** The audit log: who did what, when, to what — never numbers or emails (the server leaves them out). */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { useAction, useLoad } from '../../shared/hooks';
import { formatDateTime, useT } from '../../shared/i18n';
import { DataTable } from '../../shared/components/DataTable';
import type { Console } from '../AdminApp';
import type { AuditEntry } from '../admin-api';

export function AuditPage({ console: c }: { console: Console }) {
  const t = useT();
  const first = useLoad(() => c.admin.audit(), [c.admin]);
  const [more, setMore] = useState<AuditEntry[]>([]);
  const entries = [...(first.data?.items ?? []), ...more];
  const loadMore = useAction(async () => {
    const last = entries[entries.length - 1];
    if (!last) return;
    const page = await c.admin.audit(Number(last.at));
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
            { header: t('admin.audit.actor'), cell: (e) => [e.actorType, e.actorId].filter(Boolean).join(' ') },
            { header: t('admin.audit.action'), cell: (e) => e.action },
            { header: t('admin.audit.subject'), cell: (e) => [e.subjectType, e.subjectId].filter(Boolean).join(' ') },
            { header: t('admin.audit.detail'), cell: (e) => <code class="audit-detail">{e.detail ? JSON.stringify(e.detail) : ''}</code> },
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
