import { useT } from '../../shared/i18n';
import type { Source } from '../portal-api';

/** Public register or supplementary register (what the resident entered). */
export function SourceBadge({ source }: { source: Source }) {
  const t = useT();
  return <span class={source === 'self' ? 'badge badge--ok' : 'badge'}>{t(`portal.me.sources.${source}`)}</span>;
}
