/** Residents search (every search is audited): names, numbers and emails, addresses with their state. */
import { useState } from 'preact/hooks';
import { ErrorAlert } from '../../shared/components/feedback';
import { Button, TextField } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import { DataTable } from '../../shared/components/DataTable';
import type { Console } from '../AdminApp';
import type { ResidentRow } from '../admin-api';
import { Form } from '../../shared/components/Form';

export function ResidentsPage({ console: c }: { console: Console }) {
  const t = useT();
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<ResidentRow[] | null>(null);
  const search = useAction(async () => setRows((await c.admin.residents(q.trim())).items));
  return (
    <section aria-labelledby="residents-heading">
      <h1 id="residents-heading">{t('admin.residents.heading')}</h1>
      <p class="muted">{t('admin.residents.audited')}</p>
      <Form class="row" role="search" onSubmit={() => void search.run()}>
        <TextField label={t('admin.residents.search')} type="search" value={q} onValue={setQ} />
        <div class="field">
          <Button type="submit" busy={search.busy} disabled={q.trim().length < 2}>
            {t('common.search')}
          </Button>
        </div>
      </Form>
      <ErrorAlert error={search.error} />
      {rows && rows.length === 0 ? <p>{t('admin.residents.none')}</p> : null}
      {rows && rows.length > 0 ? (
        <DataTable
          label={t('admin.residents.heading')}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { header: t('admin.residents.name'), cell: (r) => r.name ?? '—' },
            { header: t('admin.residents.phones'), cell: (r) => r.endpoints.map((e) => <div key={e.value}>{e.value}</div>) },
            {
              header: t('admin.residents.addresses'),
              cell: (r) =>
                r.addresses.map((a) => (
                  <div key={a.label} class={a.active ? '' : 'muted'}>
                    {a.label} {a.active ? '' : `(${t('portal.addresses.inactive')})`}
                  </div>
                )),
            },
            { header: t('admin.residents.source'), cell: (r) => r.source },
          ]}
        />
      ) : null}
    </section>
  );
}
