/**
 * The resident portal (/t/{tenant}, the tenant's direct link): log in with a PIN, then see and keep
 * up to date what the register knows. One page whose view follows the session; the PIN step survives
 * a reload and is an entry of the browser's history (Back returns to the number, Forward to the PIN).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../shared/api';
import { Layout } from '../shared/components/Layout';
import { Alert, ErrorAlert, Loading } from '../shared/components/feedback';
import { useT } from '../shared/i18n';
import type { PublicTenant } from '../shared/tenant';
import { Dashboard } from './Dashboard';
import { LoginStart, type PinRequested } from './login/LoginStart';
import { PinStep } from './login/PinStep';
import { clearPinStep, isPinAddress, restorePinStep, savePinStep, storedPinRequest } from './login/pin-session';
import { portalApi, type Me } from './portal-api';

type Notice = 'loggedOff' | 'sessionEnded' | 'deleted';

type View =
  | { name: 'loading' }
  | { name: 'failed'; error: unknown }
  | { name: 'login'; notice?: Notice; last?: PinRequested }
  | { name: 'pin'; request: PinRequested }
  | { name: 'me'; me: Me; kind: PinRequested['kind'] };

const NOTICE_KEYS = {
  loggedOff: 'portal.loggedOff',
  sessionEnded: 'portal.sessionEnded',
  deleted: 'portal.data.deleted',
} as const;

export function PortalApp({ tenant, api }: { tenant: PublicTenant; api: ApiClient }) {
  const t = useT();
  const [view, setView] = useState<View>({ name: 'loading' });
  const endSession = useCallback(
    (notice: Notice) => {
      api.setCsrfToken(null);
      setView({ name: 'login', notice });
    },
    [api],
  );
  const portal = useMemo(
    () => portalApi(api, tenant.slug, () => endSession('sessionEnded')),
    [api, tenant.slug, endSession],
  );

  const showMe = useCallback(
    async (kind: PinRequested['kind'] = 'person') => {
      try {
        const me = await portal.me();
        if (me.csrfToken) api.setCsrfToken(me.csrfToken);
        setView({ name: 'me', me, kind });
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) return setView({ name: 'failed', error });
        const pending = restorePinStep(tenant.slug);
        setView(pending ? { name: 'pin', request: pending } : { name: 'login' });
      }
    },
    [portal, api, tenant.slug],
  );

  useEffect(() => void showMe(), [showMe]);
  // Back from the PIN step shows the number again; Forward, the PIN step (while its PIN lives).
  useEffect(() => {
    const onPop = () =>
      setView((current) => {
        if (current.name === 'pin' && !isPinAddress()) return { name: 'login', last: current.request };
        const pending = current.name === 'login' && isPinAddress() ? storedPinRequest(tenant.slug) : null;
        return pending ? { name: 'pin', request: pending } : current;
      });
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [tenant.slug]);
  const showPinStep = (request: PinRequested) => {
    savePinStep(tenant.slug, request);
    setView({ name: 'pin', request });
  };
  // Keyboard and screen-reader users land at the top of the new view when it changes.
  const firstView = useRef(true);
  useEffect(() => {
    if (view.name === 'loading' || view.name === 'pin') return;
    if (firstView.current) return void (firstView.current = false);
    document.getElementById('main')?.focus();
  }, [view.name]);
  useEffect(() => void (document.title = `${t('portal.title')} – ${tenant.name}`), [t, tenant.name]);

  const loggedIn = view.name === 'me';
  const nav = loggedIn ? (
    <button type="button" class="link" onClick={() => void portal.logout().finally(() => endSession('loggedOff'))}>
      {t('portal.logOff')}
    </button>
  ) : null;

  return (
    <Layout
      title={tenant.name}
      homeHref={`/t/${encodeURIComponent(tenant.slug)}`}
      logoUrl={tenant.branding.logoUrl}
      languages={tenant.languages}
      nav={nav}
      footer={
        <>
          <a href={`/t/${encodeURIComponent(tenant.slug)}/map`}>{t('portal.disruptionMap')}</a> ·{' '}
          {t('common.poweredBy')}
        </>
      }
    >
      <h1>{t('portal.title')}</h1>
      {view.name === 'loading' ? <Loading /> : null}
      {view.name === 'failed' ? <ErrorAlert error={view.error} /> : null}
      {view.name === 'login' ? (
        <>
          {view.notice ? (
            <Alert kind="ok">{t(NOTICE_KEYS[view.notice])}</Alert>
          ) : (
            <p>{t('portal.intro', { tenant: tenant.name })}</p>
          )}
          <LoginStart
            portal={portal}
            initial={view.last ? { kind: view.last.kind, login: view.last.login } : null}
            onRequested={showPinStep}
          />
          <HavePin slug={tenant.slug} onPin={showPinStep} />
          <PrivacyNotice tenantName={tenant.name} />
        </>
      ) : null}
      {view.name === 'pin' ? (
        <PinStep
          portal={portal}
          request={view.request}
          onResent={showPinStep}
          onBack={() => {
            clearPinStep(tenant.slug);
            setView({ name: 'login', last: view.request });
          }}
          onLoggedIn={(csrf) => {
            clearPinStep(tenant.slug);
            api.setCsrfToken(csrf);
            void showMe(view.request.kind);
          }}
        />
      ) : null}
      {view.name === 'me' ? (
        <Dashboard
          tenant={tenant}
          api={api}
          portal={portal}
          me={view.me}
          kind={view.kind}
          reload={() => showMe(view.kind)}
          onDeleted={() => endSession('deleted')}
        />
      ) : null}
    </Layout>
  );
}

/** Back on the number while the PIN sent to it still lives: a way to the PIN step without asking for a new one. */
function HavePin({ slug, onPin }: { slug: string; onPin: (request: PinRequested) => void }) {
  const t = useT();
  const pending = storedPinRequest(slug);
  if (!pending) return null;
  return (
    <p>
      <button type="button" class="link" onClick={() => onPin(pending)}>
        {t('portal.login.havePin', { to: pending.login.phone ?? pending.login.email ?? '' })}
      </button>
    </p>
  );
}

function PrivacyNotice({ tenantName }: { tenantName: string }) {
  const t = useT();
  return (
    <section class="card muted-card" aria-label={t('portal.title')}>
      <p>{t('portal.login.privacy', { tenant: tenantName })}</p>
      <p>
        <strong>{t('portal.login.smishing', { tenant: tenantName })}</strong>
      </p>
      <p>{t('portal.spam')}</p>
    </section>
  );
}
