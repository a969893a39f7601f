/** The incident's details: service, planned or sudden, title, public description, start and end. */
import { Choice, SelectField, TextArea, TextField } from '../../shared/components/forms';
import { useT } from '../../shared/i18n';
import type { Service } from '../../shared/tenant';
import type { IncidentInput, IncidentKind } from '../admin-api';

export interface DetailsValue {
  service: Service;
  kind: IncidentKind;
  title: string;
  description: string;
  /** datetime-local values (local time), '' when not set. */
  startsAt: string;
  endsAt: string;
}

/** `2025-05-12T14:30` in local time, from an ISO string or epoch ms. */
export function toLocalInput(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function detailsToInput(details: DetailsValue): Omit<IncidentInput, 'area'> {
  const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);
  const startsAt = iso(details.startsAt);
  const endsAt = iso(details.endsAt);
  return {
    service: details.service,
    kind: details.kind,
    title: details.title.trim(),
    ...(details.description.trim() ? { description: details.description.trim() } : {}),
    ...(startsAt ? { startsAt } : {}),
    ...(endsAt ? { endsAt } : {}),
  };
}

interface IncidentDetailsProps {
  services: readonly Service[];
  value: DetailsValue;
  onChange: (value: DetailsValue) => void;
  errors?: (field: string) => string | undefined;
}

export function IncidentDetails({ services, value, onChange, errors = () => undefined }: IncidentDetailsProps) {
  const t = useT();
  const set =
    <K extends keyof DetailsValue>(key: K) =>
    (v: DetailsValue[K]) =>
      onChange({ ...value, [key]: v });
  return (
    <div class="incident-details">
      <div class="grid-2">
        <SelectField
          label={t('admin.incidents.service')}
          value={value.service}
          onValue={set('service')}
          options={services.map((s) => ({ value: s, label: t(`common.services.${s}`) }))}
        />
        <Choice
          legend={t('admin.incidents.kind')}
          name="incident-kind"
          value={value.kind}
          onValue={set('kind')}
          options={[
            { value: 'sudden', label: t('common.kinds.sudden') },
            { value: 'planned', label: t('common.kinds.planned') },
          ]}
        />
      </div>
      <TextField
        label={t('admin.incident.title')}
        value={value.title}
        onValue={set('title')}
        maxLength={200}
        error={errors('title')}
        required
      />
      <TextArea
        label={t('admin.incident.description')}
        value={value.description}
        onValue={set('description')}
        error={errors('description')}
      />
      <div class="grid-2">
        <TextField
          label={t('admin.incident.startsAt')}
          type="datetime-local"
          value={value.startsAt}
          onValue={set('startsAt')}
          error={errors('startsAt')}
        />
        <TextField
          label={t('admin.incident.endsAt')}
          type="datetime-local"
          value={value.endsAt}
          onValue={set('endsAt')}
          error={errors('endsAt')}
        />
      </div>
    </div>
  );
}
