/** The incidents as a list: service, kind, status, area, times and the public text. */
import { formatDateTime, useT } from '../shared/i18n';
import { StatusBadge } from '../shared/components/StatusBadge';
import type { PublicIncident } from './incidents';

type Key = 'common.services.other';

function IncidentItem({
  incident,
  selected,
  onSelect,
}: {
  incident: PublicIncident;
  selected: boolean;
  onSelect: () => void;
}) {
  const t = useT();
  const service = t(`common.services.${incident.service}` as Key, { defaultValue: incident.service });
  return (
    <li class={selected ? 'incident incident--selected' : 'incident'} data-incident-id={incident.id}>
      <h3>
        <button type="button" class="link incident__title" onClick={onSelect} aria-pressed={selected}>
          {incident.title || service}
        </button>
      </h3>
      <p>
        <StatusBadge status={incident.status} /> {service}
        {incident.kind ? <> · {t(`common.kinds.${incident.kind}` as Key, { defaultValue: incident.kind })}</> : null}
      </p>
      <dl class="incident__times">
        {incident.startsAt ? (
          <div>
            <dt>{t('map.starts')}</dt>
            <dd>{formatDateTime(incident.startsAt)}</dd>
          </div>
        ) : null}
        {incident.endsAt ? (
          <div>
            <dt>{t('map.ends')}</dt>
            <dd>{formatDateTime(incident.endsAt)}</dd>
          </div>
        ) : null}
      </dl>
      {incident.areaDescription && incident.areaDescription !== incident.title ? (
        <p>
          <span class="muted">{t('map.area')}:</span> {incident.areaDescription}
        </p>
      ) : null}
      {incident.text ? <p class="incident__text">{incident.text}</p> : null}
      {incident.updatedAt ? (
        <p class="muted">{t('map.updated', { time: formatDateTime(incident.updatedAt) })}</p>
      ) : null}
    </li>
  );
}

interface IncidentListProps {
  incidents: PublicIncident[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function IncidentList({ incidents, selectedId, onSelect }: IncidentListProps) {
  const t = useT();
  return (
    <section class="card incident-list" aria-labelledby="incident-list-heading">
      <h2 id="incident-list-heading">{t('map.list')}</h2>
      {incidents.length === 0 ? (
        <p>{t('map.none')}</p>
      ) : (
        <ul class="list-plain">
          {incidents.map((i) => (
            <IncidentItem key={i.id} incident={i} selected={i.id === selectedId} onSelect={() => onSelect(i.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}
