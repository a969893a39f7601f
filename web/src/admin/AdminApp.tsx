/**
 * The operator console (/admin): log in to a tenant (password + TOTP), then incidents, residents,
 * register import, audit log and settings, one path each under /admin.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../shared/api';
import { Layout } from '../shared/components/Layout';
import { Link } from '../shared/components/Link';
import { Loading } from '../shared/components/feedback';
import { useT } from '../shared/i18n';
import { matchPath, navigate, usePath } from '../shared/router';
import { applyBranding, LANGUAGES, loadTenant, type PublicTenant } from '../shared/tenant';
import { adminApi, type AdminApi, type Operator, type OperatorSession } from './admin-api';
import { LoginPage } from './LoginPage';
import { SetupPage } from './SetupPage';
import { OperatorsPage } from './pages/OperatorsPage';
import { AuditPage } from './pages/AuditPage';
import { ImportPage } from './pages/ImportPage';
import { IncidentPage } from './pages/IncidentPage';
import { IncidentsPage } from './pages/IncidentsPage';
import { NewIncidentPage } from './pages/NewIncidentPage';
import { ResidentsPage } from './pages/ResidentsPage';
import { SettingsPage } from './pages/SettingsPage';

const TENANT_KEY = 'aviso.admin.tenant';

export interface ConsoleSession {
  admin: AdminApi;
  operator: Operator;
  tenant: PublicTenant;
  api: ApiClient;
}

type State =
  | { name: 'loading' }
  | { name: 'login'; sessionEnded?: boolean }
  | { name: 'setup'; admin: AdminApi; session: OperatorSession; slug: string }
  | { name: 'in'; session: ConsoleSession };

function rememberedTenant(): string {
  const fromQuery = new URLSearchParams(location.search).get('tenant');
  try {
    return fromQuery ?? localStorage.getItem(TENANT_KEY) ?? '';
  } catch {
    return fromQuery ?? '';
  }
}

function Routes({ session }: { session: ConsoleSession }) {
  const path = usePath();
  const incident = matchPath('/admin/incidents/:id', path);
  if (path === '/admin/incidents/new') return <NewIncidentPage session={session} />;
  if (incident?.id) return <IncidentPage session={session} id={incident.id} />;
  if (path.startsWith('/admin/residents')) return <ResidentsPage session={session} />;
  if (path.startsWith('/admin/import')) return <ImportPage session={session} />;
  if (path.startsWith('/admin/audit')) return <AuditPage session={session} />;
  if (path.startsWith('/admin/operators')) return <OperatorsPage session={session} />;
  if (path.startsWith('/admin/settings')) return <SettingsPage session={session} />;
  return <IncidentsPage session={session} />;
}

function Nav({ session, onLogout }: { session: ConsoleSession; onLogout: () => void }) {
  const t = useT();
  const path = usePath();
  const admin = session.operator.role === 'admin';
  const link = (href: string, label: string, current: boolean) => (
    <Link href={href} current={current}>
      {label}
    </Link>
  );
  return (
    <>
      {link(
        '/admin',
        t('admin.nav.incidents'),
        path === '/admin' || (path.startsWith('/admin/incidents') && path !== '/admin/incidents/new'),
      )}
      {session.operator.role !== 'viewer'
        ? link('/admin/incidents/new', t('admin.nav.newIncident'), path === '/admin/incidents/new')
        : null}
      {link('/admin/residents', t('admin.nav.residents'), path.startsWith('/admin/residents'))}
      {admin ? link('/admin/import', t('admin.nav.import'), path.startsWith('/admin/import')) : null}
      {admin ? link('/admin/operators', t('admin.nav.operators'), path.startsWith('/admin/operators')) : null}
      {admin ? link('/admin/audit', t('admin.nav.audit'), path.startsWith('/admin/audit')) : null}
      {admin ? link('/admin/settings', t('admin.nav.settings'), path.startsWith('/admin/settings')) : null}
      <button type="button" class="link" onClick={onLogout}>
        {t('admin.nav.logOut')}
      </button>
    </>
  );
}

export function AdminApp({ api }: { api: ApiClient }) {
  const t = useT();
  const [state, setState] = useState<State>({ name: 'loading' });

  const enter = useCallback(
    async (slug: string, session?: OperatorSession): Promise<void> => {
      const admin = adminApi(api, slug, () => setState({ name: 'login', sessionEnded: true }));
      const current = session ?? (await admin.session());
      api.setCsrfToken(current.csrfToken);
      // Remembered from the login on, so that a reload during the first-login set-up comes back to it.
      try {
        localStorage.setItem(TENANT_KEY, slug);
      } catch {
        // No storage: the tenant is asked again next time.
      }
      if (current.mustChangePassword || current.totpSetupRequired)
        return setState({ name: 'setup', admin, session: current, slug });
      const tenant = await loadTenant(api, slug);
      applyBranding(tenant.branding.brandColor);
      setState({ name: 'in', session: { admin, operator: current.operator, tenant, api } });
    },
    [api],
  );

  useEffect(() => {
    const slug = rememberedTenant();
    if (!slug) return setState({ name: 'login' });
    enter(slug).catch(() => setState({ name: 'login' }));
  }, [enter]);
  useEffect(() => void (document.title = t('admin.title')), [t]);

  const loggedIn = state.name === 'in' ? state.session : null;
  const logout = () => {
    const admin = loggedIn?.admin ?? (state.name === 'setup' ? state.admin : undefined);
    void admin?.logout().catch(() => undefined);
    api.setCsrfToken(null);
    setState({ name: 'login' });
    navigate('/admin', true);
  };

  return (
    <Layout
      title={loggedIn ? `${t('admin.title')} · ${loggedIn.tenant.name}` : t('admin.title')}
      homeHref="/admin"
      languages={LANGUAGES}
      nav={
        loggedIn ? (
          <Nav session={loggedIn} onLogout={logout} />
        ) : state.name === 'setup' ? (
          <button type="button" class="link" onClick={logout}>
            {t('admin.nav.logOut')}
          </button>
        ) : undefined
      }
      footer={
        loggedIn
          ? t('admin.nav.signedInAs', {
              email: loggedIn.operator.email,
              role: t(`admin.roles.${loggedIn.operator.role}`),
            })
          : undefined
      }
    >
      {state.name === 'loading' ? <Loading /> : null}
      {state.name === 'login' ? (
        <LoginPage
          api={api}
          initialTenant={rememberedTenant()}
          sessionEnded={state.sessionEnded ?? false}
          onLoggedIn={(slug, session) => enter(slug, session)}
        />
      ) : null}
      {state.name === 'setup' ? (
        <SetupPage admin={state.admin} session={state.session} onDone={() => enter(state.slug)} />
      ) : null}
      {loggedIn ? <Routes session={loggedIn} /> : null}
    </Layout>
  );
}
