/**
 * "Notify this browser" (web push): shown only where the browser can take push (a service worker and
 * PushManager) and the server offers it. The permission is asked only when the resident clicks; the
 * subscription then goes to the server as one of the resident's endpoints. The browsers that get notices
 * are listed, each removable. The service worker is /push-worker.js (web/public), scope `/`.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { ConfirmButton } from '../../shared/components/ConfirmButton';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { useAction, useLoad } from '../../shared/hooks';
import { formatDateTime, useT } from '../../shared/i18n';
import type { PortalApi } from '../portal-api';

const WORKER = '/push-worker.js';

/** Whether this browser can get push notifications at all. */
const pushSupported = (): boolean =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** This browser's current push subscription's endpoint, if its worker has one. */
async function currentEndpoint(): Promise<string | null> {
  const registration = await navigator.serviceWorker.getRegistration(WORKER);
  const subscription = await registration?.pushManager.getSubscription();
  return subscription?.endpoint ?? null;
}

/** The VAPID key (base64url) as the bytes `applicationServerKey` takes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Registers the worker, asks for the permission (the caller runs on a click) and subscribes. */
async function subscribeThisBrowser(publicKey: string): Promise<PushSubscriptionJSON | 'denied'> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  await navigator.serviceWorker.register(WORKER, { scope: '/' });
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const subscription =
    existing ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  return subscription.toJSON();
}

export function PushSection({ portal }: { portal: PortalApi }) {
  const supported = pushSupported();
  const key = useLoad(() => (supported ? portal.pushPublicKey() : Promise.resolve(null)), [supported]);
  if (!supported || !key.data?.publicKey) return null;
  return <PushControls portal={portal} publicKey={key.data.publicKey} />;
}

function PushControls({ portal, publicKey }: { portal: PortalApi; publicKey: string }) {
  const t = useT();
  const browsers = useLoad(() => portal.pushSubscriptions(), []);
  const [mine, setMine] = useState<string | null>(null);
  const [denied, setDenied] = useState(false);
  useEffect(() => {
    void currentEndpoint().then(setMine, () => setMine(null));
  }, []);

  const enable = useAction(async () => {
    setDenied(false);
    const subscription = await subscribeThisBrowser(publicKey);
    if (subscription === 'denied') return setDenied(true);
    const { endpoint, keys } = subscription;
    await portal.addPushSubscription({
      endpoint: endpoint ?? '',
      keys: { p256dh: keys?.p256dh ?? '', auth: keys?.auth ?? '' },
    });
    setMine(endpoint ?? null);
    await browsers.reload();
  });
  const remove = useAction(async (id: string, endpoint: string) => {
    await portal.removePushSubscription(id);
    if (endpoint === mine) {
      const registration = await navigator.serviceWorker.getRegistration(WORKER);
      await (await registration?.pushManager.getSubscription())?.unsubscribe();
      setMine(null);
    }
    await browsers.reload();
  });

  const items = browsers.data?.items ?? [];
  const thisOne = items.find((b) => b.endpoint === mine);
  const failed = enable.error && !(enable.error instanceof ApiError) ? t('portal.push.failed') : null;
  return (
    <div class="push" data-testid="push-section">
      <h3>{t('portal.push.heading')}</h3>
      <p class="muted">{t('portal.push.hint')}</p>
      {thisOne ? (
        <Alert kind="ok">{t('portal.push.enabled')}</Alert>
      ) : (
        <Button variant="secondary" busy={enable.busy} onClick={() => void enable.run()}>
          {t('portal.push.enable')}
        </Button>
      )}
      {denied ? <Alert kind="warn">{t('portal.push.denied')}</Alert> : null}
      {failed ? <Alert kind="error">{failed}</Alert> : <ErrorAlert error={enable.error} />}
      {items.length > 0 ? (
        <>
          <h4>{t('portal.push.browsers')}</h4>
          <ul class="list-plain">
            {items.map((b) => (
              <li key={b.id} class="row" data-push-subscription={b.id}>
                <span>
                  {t('portal.push.since', { service: b.service, date: formatDateTime(b.createdAt) })}
                  {b.endpoint === mine ? ` ${t('portal.push.thisBrowser')}` : ''}
                </span>
                <ConfirmButton
                  question={t('portal.push.removeConfirm')}
                  onConfirm={() => remove.run(b.id, b.endpoint)}
                  busy={remove.busy}
                >
                  {b.endpoint === mine ? t('portal.push.disable') : t('common.remove')}
                </ConfirmButton>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <ErrorAlert error={remove.error} />
    </div>
  );
}
