/** "Is my address affected?": pick an address, ask `GET …/public/check?address=…`. */
import { useState } from 'preact/hooks';
import { query, tenantPath, type ApiClient } from '../shared/api';
import { AddressPicker, type Address } from '../shared/components/AddressPicker';
import { Alert } from '../shared/components/feedback';
import { Form } from '../shared/components/Form';
import { Button } from '../shared/components/forms';
import { formatDateTime, useT } from '../shared/i18n';
import { StatusBadge } from '../shared/components/StatusBadge';

/** An incident covering the address, as the check names it. */
interface CoveringIncident {
  id: string;
  title?: string;
  status?: string;
  startsAt?: string | null;
  endsAt?: string | null;
}

interface CheckAnswer {
  affected?: boolean;
  incidents?: CoveringIncident[];
}

export type CheckResult = { address: Address; affected: boolean; incidentIds: string[]; incidents: CoveringIncident[] } | { address: Address; failed: true };

interface AddressCheckProps {
  api: ApiClient;
  tenantSlug: string;
  onChecked: (result: CheckResult) => void;
  result: CheckResult | null;
}

export function AddressCheck({ api, tenantSlug, onChecked, result }: AddressCheckProps) {
  const t = useT();
  const [selected, setSelected] = useState<Address | null>(null);
  const [busy, setBusy] = useState(false);

  async function check() {
    if (!selected) return;
    setBusy(true);
    try {
      const answer = await api.get<CheckAnswer>(tenantPath(tenantSlug, `/public/check${query({ address: selected.id })}`));
      const incidentIds = (answer.incidents ?? []).map((i) => i.id);
      onChecked({ address: selected, affected: answer.affected ?? incidentIds.length > 0, incidentIds, incidents: answer.incidents ?? [] });
    } catch {
      onChecked({ address: selected, failed: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card address-check" aria-labelledby="address-check-heading">
      <h2 id="address-check-heading">{t('map.check.heading')}</h2>
      <Form onSubmit={() => void check()}>
        <AddressPicker api={api} tenantSlug={tenantSlug} selected={selected} onSelect={setSelected} />
        <Button type="submit" disabled={!selected} busy={busy}>
          {t('map.check.check')}
        </Button>
      </Form>
      {result ? <CheckMessage result={result} /> : null}
    </section>
  );
}

function CheckMessage({ result }: { result: CheckResult }) {
  const t = useT();
  if ('failed' in result) return <Alert kind="error">{t('map.check.unavailable')}</Alert>;
  const address = result.address.label;
  return result.affected ? (
    <Alert kind="warn">
      {t('map.check.affected', { address })}
      <ul class="address-check__incidents">
        {result.incidents.map((incident) => (
          <li key={incident.id}>
            <strong>{incident.title}</strong> {incident.status ? <StatusBadge status={incident.status} /> : null}
            {incident.startsAt || incident.endsAt ? (
              <span class="address-check__times">
                {' '}
                {[incident.startsAt ? formatDateTime(incident.startsAt) : '', incident.endsAt ? formatDateTime(incident.endsAt) : ''].join(' – ')}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </Alert>
  ) : (
    <Alert kind="ok">{t('map.check.notAffected', { address })}</Alert>
  );
}
