/** "Is my address affected?": pick an address, ask `GET …/public/check?address=…`; the answer names each disruption and its times. */
import { useState } from 'preact/hooks';
import { query, tenantPath, type ApiClient } from '../shared/api';
import { AddressPicker, type Address } from '../shared/components/AddressPicker';
import { Alert } from '../shared/components/feedback';
import { Form } from '../shared/components/Form';
import { Button } from '../shared/components/forms';
import { addressLine } from '../shared/address-text';
import { currentLanguage, formatDateTime, useT } from '../shared/i18n';
import { toPublicIncident, type PublicIncident } from './incidents';
import { StatusBadge } from '../shared/components/StatusBadge';

interface CheckAnswer {
  affected?: boolean;
  incidents?: Record<string, unknown>[];
}

export type CheckResult =
  | { address: Address; affected: boolean; incidentIds: string[]; incidents: PublicIncident[] }
  | { address: Address; failed: true };

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
      const answer = await api.get<CheckAnswer>(
        tenantPath(tenantSlug, `/public/check${query({ address: selected.id })}`),
      );
      const incidents = (answer.incidents ?? []).map((properties, i) =>
        toPublicIncident({ type: 'Feature', properties, geometry: null as never }, i),
      );
      const incidentIds = incidents.map((i) => i.id);
      onChecked({ address: selected, affected: answer.affected ?? incidentIds.length > 0, incidentIds, incidents });
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
  const address = addressLine(result.address, currentLanguage());
  type Key = 'common.services.other';
  return result.affected ? (
    <Alert kind="warn">
      <p>{t('map.check.affected', { address })}</p>
      <ul class="address-check__incidents">
        {result.incidents.map((incident) => (
          <li key={incident.id}>
            <strong>
              {incident.title || t(`common.services.${incident.service}` as Key, { defaultValue: incident.service })}
            </strong>{' '}
            <StatusBadge status={incident.status} />
            {incident.startsAt ? ` · ${t('map.starts')} ${formatDateTime(incident.startsAt)}` : ''}
            {incident.endsAt ? ` · ${t('map.ends')} ${formatDateTime(incident.endsAt)}` : ''}
          </li>
        ))}
      </ul>
    </Alert>
  ) : (
    <Alert kind="ok">{t('map.check.notAffected', { address })}</Alert>
  );
}
