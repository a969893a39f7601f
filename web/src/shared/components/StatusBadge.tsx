/** An incident's status as a coloured badge (active red, planned orange, others neutral). */
import { useT } from '../i18n';

type Key = 'common.statuses.active';

export function StatusBadge({ status }: { status: string }) {
  const t = useT();
  if (!status) return null;
  const kind = status === 'active' ? 'active' : status === 'planned' ? 'planned' : 'ok';
  return <span class={`badge badge--${kind}`}>{t(`common.statuses.${status}` as Key, { defaultValue: status })}</span>;
}
