/** The notices sent to me in the last 12 months. */
import { ErrorAlert, Loading } from '../../shared/components/feedback';
import { useLoad } from '../../shared/hooks';
import { formatDateTime, useT } from '../../shared/i18n';
import type { PortalApi } from '../portal-api';

export function HistorySection({ portal }: { portal: PortalApi }) {
  const t = useT();
  const history = useLoad(() => portal.history(), [portal]);
  const items = history.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="history-heading">
      <h2 id="history-heading">{t('portal.history.heading')}</h2>
      <p class="muted">{t('portal.history.intro')}</p>
      {history.loading && !history.data ? <Loading /> : null}
      <ErrorAlert error={history.error} />
      {history.data && items.length === 0 ? <p>{t('portal.history.none')}</p> : null}
      <ul class="list-plain">
        {items.map((n) => (
          <li key={n.id}>
            <p class="muted">
              <time dateTime={n.sentAt}>{formatDateTime(n.sentAt)}</time>
              {' · '}
              {t(`portal.history.channels.${n.channel}` as 'portal.history.channels.sms', {
                defaultValue: n.channel,
              })}{' '}
              <span class={n.status === 'failed' ? 'badge badge--warn' : 'badge badge--ok'}>
                {t(`portal.history.statuses.${n.status}`)}
              </span>
              {n.service
                ? ` · ${t(`common.services.${n.service}` as 'common.services.other', { defaultValue: n.service })}`
                : ''}
              {n.address ? ` · ${n.address}` : ''}
            </p>
            <p class="notice-text">{n.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
