/** /dev/inbox: one phone per number and one mailbox per email, with what each received; refreshes itself. */
import { useMemo, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../shared/api';
import { Layout } from '../shared/components/Layout';
import { Alert, ErrorAlert } from '../shared/components/feedback';
import { TextField } from '../shared/components/forms';
import { useLoad } from '../shared/hooks';
import { formatDateTime, useT } from '../shared/i18n';
import { LANGUAGES } from '../shared/tenant';
import { groupByDevice, type Device, type InboxMessage } from './inbox';

const REFRESH_MS = 2000;

function Message({ message }: { message: InboxMessage }) {
  const t = useT();
  return (
    <li class={`inbox-message inbox-message--${message.channel}`} data-channel={message.channel}>
      <p class="inbox-message__meta">
        <span class="badge">{t(`inbox.${message.channel}`)}</span>{' '}
        <time dateTime={message.time}>{formatDateTime(message.time)}</time>
        {message.from ? <> · {t('inbox.from', { from: message.from })}</> : null}
      </p>
      {message.channel === 'email' ? (
        <p class="inbox-message__subject">{message.subject ?? t('inbox.noSubject')}</p>
      ) : null}
      <p class="inbox-message__text">{message.text}</p>
      {message.hasAudio ? (
        <audio
          controls
          preload="none"
          src={`/api/dev/inbox/${encodeURIComponent(message.id)}/audio`}
          aria-label={t('inbox.audio')}
        />
      ) : null}
    </li>
  );
}

function DeviceCard({ device }: { device: Device }) {
  const t = useT();
  return (
    <section class={`card inbox-device inbox-device--${device.kind}`} aria-label={device.to} data-to={device.to}>
      <h3 class="inbox-device__to">{device.to}</h3>
      <p class="muted">{t('inbox.messages', { count: device.messages.length })}</p>
      <ol class="list-plain">
        {device.messages.map((m) => (
          <Message key={m.id} message={m} />
        ))}
      </ol>
    </section>
  );
}

function DeviceGroup({ title, devices }: { title: string; devices: Device[] }) {
  if (devices.length === 0) return null;
  return (
    <section class="inbox-group">
      <h2>{title}</h2>
      <div class="inbox-devices">
        {devices.map((d) => (
          <DeviceCard key={`${d.kind}:${d.to}`} device={d} />
        ))}
      </div>
    </section>
  );
}

export function InboxApp({ api }: { api: ApiClient }) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const inbox = useLoad(() => api.get<{ items: InboxMessage[] }>('/api/dev/inbox'), [], REFRESH_MS);
  const devices = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const all = groupByDevice(inbox.data?.items ?? []);
    return needle ? all.filter((d) => d.to.toLowerCase().includes(needle)) : all;
  }, [inbox.data, filter]);
  const disabled = inbox.error instanceof ApiError && inbox.error.status === 404;

  return (
    <Layout title={t('inbox.title')} languages={LANGUAGES}>
      <h1>{t('inbox.title')}</h1>
      <p>{t('inbox.intro')}</p>
      {disabled ? <Alert kind="warn">{t('inbox.disabled')}</Alert> : <ErrorAlert error={inbox.error} />}
      <TextField label={t('inbox.filter')} type="search" value={filter} onValue={setFilter} autoComplete="off" />
      {inbox.data && inbox.data.items.length === 0 ? <p>{t('inbox.empty')}</p> : null}
      <DeviceGroup title={t('inbox.phones')} devices={devices.filter((d) => d.kind === 'phone')} />
      <DeviceGroup title={t('inbox.mailboxes')} devices={devices.filter((d) => d.kind === 'mailbox')} />
      <DeviceGroup title={t('inbox.other')} devices={devices.filter((d) => d.kind === 'other')} />
    </Layout>
  );
}
