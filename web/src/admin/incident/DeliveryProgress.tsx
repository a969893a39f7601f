/**
 * Live delivery of one message: server-sent events from `…/messages/{id}/events` (the counts, once a
 * second until done), falling back to polling `GET …/messages/{id}` if the stream breaks. A bar and
 * the numbers (with the calls confirmed by pressing 1, when there are any); approve, stop, retry the failed
 * ones, and the deliveries as CSV.
 */
import { useEffect, useState } from 'preact/hooks';
import { ErrorAlert } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { formatDateTime, useT } from '../../shared/i18n';
import type { AdminApi, DeliveryCounts, Message, Role } from '../admin-api';

const STATES = ['queued', 'sent', 'delivered', 'failed', 'expired'] as const;
const POLL_MS = 1000;

/** Finished recipients (delivered, failed or expired) as a share of all. */
export function percentDone(counts: DeliveryCounts): number {
  if (counts.total === 0) return counts.status === 'sent' ? 100 : 0;
  return Math.floor(((counts.delivered + counts.failed + counts.expired) / counts.total) * 100);
}

/** Nothing queued or waiting for a receipt any more (the server's own rule for ending the stream). */
export function isFinished(counts: DeliveryCounts): boolean {
  return (counts.status === 'sent' || counts.status === 'cancelled') && counts.queued === 0 && counts.sent === 0;
}

function useLiveCounts(admin: AdminApi, message: Message): DeliveryCounts {
  const [counts, setCounts] = useState<DeliveryCounts>(message);
  useEffect(() => setCounts(message), [message]);
  useEffect(() => {
    if (isFinished(message) || message.status === 'awaiting-approval') return undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    const poll = () => {
      timer = setInterval(() => {
        void admin.message(message.id).then((m) => {
          setCounts(m);
          if (isFinished(m)) clearInterval(timer);
        });
      }, POLL_MS);
    };
    const source = new EventSource(admin.messageEventsUrl(message.id));
    source.onmessage = (event) => {
      const next = JSON.parse(event.data as string) as DeliveryCounts;
      setCounts(next);
      if (isFinished(next)) source.close();
    };
    source.onerror = () => {
      source.close();
      if (!timer) poll();
    };
    return () => {
      source.close();
      clearInterval(timer);
    };
  }, [admin, message]);
  return counts;
}

function MessageActions({
  admin,
  message,
  counts,
  role,
  onChanged,
}: {
  admin: AdminApi;
  message: Message;
  counts: DeliveryCounts;
  role: Role;
  onChanged: (m: Message) => void;
}) {
  const t = useT();
  const act = useAction(async (action: 'approve' | 'cancel' | 'retry') =>
    onChanged(await admin.messageAction(message.id, action)),
  );
  if (role === 'viewer') return null;
  const stoppable = ['awaiting-approval', 'scheduled', 'starting', 'sending'].includes(counts.status);
  return (
    <div class="row">
      {counts.status === 'awaiting-approval' ? (
        <Button small busy={act.busy} onClick={() => void act.run('approve')}>
          {t('admin.delivery.approve')}
        </Button>
      ) : null}
      {stoppable ? (
        <Button variant="secondary" small busy={act.busy} onClick={() => void act.run('cancel')}>
          {t('admin.delivery.cancelSend')}
        </Button>
      ) : null}
      {isFinished(counts) && counts.failed > 0 ? (
        <Button variant="secondary" small busy={act.busy} onClick={() => void act.run('retry')}>
          {t('admin.delivery.retry')}
        </Button>
      ) : null}
      <a class="button button--secondary button--small" href={admin.deliveriesCsvUrl(message.id)} download>
        {t('admin.delivery.csv')}
      </a>
      <ErrorAlert error={act.error} />
    </div>
  );
}

interface DeliveryProgressProps {
  admin: AdminApi;
  message: Message;
  role: Role;
  onChanged: (message: Message) => void;
  /** The message's delivery status as it is shown and each time it changes (started, finished…): the incident's status may have changed too. */
  onStatus?: (status: string) => void;
}

/**
 * A message's warning in the page's language. The server words it as "fi: typographic characters – ” were
 * replaced by plain ones (GSM-7)" (kept with the message); anything else is shown as it came.
 */
export function warningText(t: ReturnType<typeof useT>, warning: string): string {
  const replaced = /^(fi|sv|en): typographic characters (.+) were replaced by plain ones \(GSM-7\)$/.exec(warning);
  if (!replaced) return warning;
  return t('admin.delivery.replacedIn', {
    language: t(`common.languageNames.${replaced[1] as 'fi'}`),
    characters: replaced[2],
  });
}

export function DeliveryProgress({ admin, message, role, onChanged, onStatus }: DeliveryProgressProps) {
  const t = useT();
  const counts = useLiveCounts(admin, message);
  useEffect(() => onStatus?.(counts.status), [counts.status]);
  // The reasons of failures come with the message, not with the live counts: read it again once it has ended.
  useEffect(() => {
    if (counts.outcome && counts.outcome !== message.outcome) void admin.message(message.id).then(onChanged);
  }, [counts.outcome]);
  const percent = percentDone(counts);
  const rendered = Object.entries(message.rendered);
  return (
    <div class="delivery" data-message-id={message.id} data-percent={percent} data-status={counts.status}>
      <p>
        <strong>{t(`admin.compose.kinds.${message.kind}`)}</strong>{' '}
        <span class="badge">{t(`admin.delivery.statuses.${counts.status}`)}</span>
        <span class="muted"> · {formatDateTime(message.createdAt)}</span>
        {counts.status === 'scheduled' && new Date(message.sendAt).getTime() > Date.now() ? (
          <span class="muted"> · {t('admin.delivery.scheduledFor', { time: formatDateTime(message.sendAt) })}</span>
        ) : null}
      </p>
      <label class="delivery__bar">
        <span>{t('admin.delivery.progress', { percent })}</span>
        <progress class="progress" max={100} value={percent} />
      </label>
      <dl class="figures figures--small" aria-live="polite">
        {STATES.map((s) => (
          <div key={s}>
            <dt>{t(`admin.delivery.${s}`)}</dt>
            <dd data-state={s}>{counts[s]}</dd>
          </div>
        ))}
        {/* Calls confirmed with 1: only where someone was called and pressed it. */}
        {counts.acknowledged > 0 ? (
          <div>
            <dt>{t('admin.delivery.acknowledged')}</dt>
            <dd data-state="acknowledged">{counts.acknowledged}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('admin.delivery.total')}</dt>
          <dd data-state="total">{counts.total}</dd>
        </div>
      </dl>
      {counts.outcome && counts.outcome !== 'sent' ? (
        <div class="delivery__outcome" data-outcome={counts.outcome}>
          <p>
            <strong>{t(`admin.delivery.outcomes.${counts.outcome}`)}</strong>
          </p>
          {message.failures.length ? (
            <>
              <p class="muted">{t('admin.delivery.failureReasons')}</p>
              {/* The providers' own words, as they answered. */}
              <ul class="list-plain delivery__failures">
                {message.failures.map((f) => (
                  <li key={f.reason}>
                    {f.count} ×{' '}
                    <span class="muted" lang="en">
                      {f.reason}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
      {message.warnings.length ? (
        <p class="muted">
          {t('admin.delivery.warnings')}: {message.warnings.map((w) => warningText(t, w)).join(' ')}
        </p>
      ) : null}
      {rendered.length ? (
        <details>
          <summary>{t('admin.compose.heading')}</summary>
          {rendered.map(([language, text]) => (
            <p key={language} lang={language} class="notice-text">
              <span class="badge">{language}</span> {text}
            </p>
          ))}
        </details>
      ) : null}
      <MessageActions admin={admin} message={message} counts={counts} role={role} onChanged={onChanged} />
    </div>
  );
}
