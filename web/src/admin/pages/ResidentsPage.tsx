/**
 * Residents search (every resident shown is audited): names, numbers and emails, addresses with their
 * state. Operators and admins switch an address's notices off or on, and delete a resident.
 */
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../../shared/components/ConfirmButton';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button, TextField } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import { DataTable } from '../../shared/components/DataTable';
import type { ConsoleSession } from '../AdminApp';
import type { ResidentAddress, ResidentRow } from '../admin-api';
import { Form } from '../../shared/components/Form';

function AddressCell({
  session,
  row,
  onChange,
}: {
  session: ConsoleSession;
  row: ResidentRow;
  onChange: (address: ResidentAddress) => void;
}) {
  const t = useT();
  const toggle = useAction(async (address: ResidentAddress) =>
    onChange(await session.admin.setResidentAddressActive(row.id, address.id, !address.active)),
  );
  const canChange = session.operator.role !== 'viewer';
  return (
    <>
      {row.addresses.map((a) => (
        <div key={a.id} class={a.active ? '' : 'muted'}>
          {a.label} {a.active ? '' : `(${t('portal.addresses.inactive')})`}
          {canChange ? (
            <>
              {' '}
              <Button
                variant="secondary"
                small
                busy={toggle.busy}
                onClick={() => void toggle.run(a)}
                aria-label={`${t(a.active ? 'portal.addresses.deactivate' : 'portal.addresses.activate')}: ${a.label}`}
              >
                {t(a.active ? 'portal.addresses.deactivate' : 'portal.addresses.activate')}
              </Button>
            </>
          ) : null}
        </div>
      ))}
      <ErrorAlert error={toggle.error} />
    </>
  );
}

export function ResidentsPage({ session }: { session: ConsoleSession }) {
  const t = useT();
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<ResidentRow[] | null>(null);
  const [deleted, setDeleted] = useState(false);
  const search = useAction(async () => {
    setDeleted(false);
    setRows((await session.admin.residents(q.trim())).items);
  });
  const remove = useAction(async (id: string) => {
    await session.admin.deleteResident(id);
    setRows((current) => current && current.filter((r) => r.id !== id));
    setDeleted(true);
  });
  const replaceAddress = (id: string) => (address: ResidentAddress) =>
    setRows(
      (current) =>
        current &&
        current.map((r) =>
          r.id === id ? { ...r, addresses: r.addresses.map((a) => (a.id === address.id ? address : a)) } : r,
        ),
    );
  const canChange = session.operator.role !== 'viewer';
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
      <ErrorAlert error={search.error ?? remove.error} />
      {deleted ? <Alert kind="ok">{t('admin.residents.deleted')}</Alert> : null}
      {rows && rows.length === 0 ? <p>{t('admin.residents.none')}</p> : null}
      {rows && rows.length > 0 ? (
        <DataTable
          label={t('admin.residents.heading')}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { header: t('admin.residents.name'), cell: (r) => r.name ?? t('admin.residents.nameHidden') },
            {
              header: t('admin.residents.phones'),
              cell: (r) => r.endpoints.map((e) => <div key={e.id}>{e.value}</div>),
            },
            {
              header: t('admin.residents.addresses'),
              cell: (r) => <AddressCell session={session} row={r} onChange={replaceAddress(r.id)} />,
            },
            { header: t('admin.residents.source'), cell: (r) => t(`admin.residents.sources.${r.source}`) },
            ...(canChange
              ? [
                  {
                    header: t('admin.residents.actions'),
                    cell: (r: ResidentRow) => (
                      <ConfirmButton
                        variant="danger"
                        question={t('admin.residents.deleteConfirm', {
                          name: r.name ?? t('admin.residents.nameHidden'),
                        })}
                        onConfirm={() => remove.run(r.id)}
                        busy={remove.busy}
                      >
                        {t('admin.residents.delete')}
                      </ConfirmButton>
                    ),
                  },
                ]
              : []),
          ]}
        />
      ) : null}
    </section>
  );
}
