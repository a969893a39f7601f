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
import { loadFeatures, type Feature } from './api-routes';
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

export interface Console {
  admin: AdminApi;
  operator: Operator;
  tenant: PublicTenant;
  api: ApiClient;
  /** The optional parts this server has an API for. */
  features: Set<Feature>;
}

type State =
  | { name: 'loading' }
  | { name: 'login'; sessionEnded?: boolean }
  | { name: 'setup'; admin: AdminApi; session: OperatorSession; slug: string }
  | { name: 'in'; console: Console };

function rememberedTenant(): string {
  const fromQuery = new URLSearchParams(location.search).get('tenant');
  try {
    return fromQuery ?? localStorage.getItem(TENANT_KEY) ?? '';
  } catch {
    return fromQuery ?? '';
  }
}

function Routes({ console: c }: { console: Console }) {
  const path = usePath();
  const incident = matchPath('/admin/incidents/:id', path);
  if (path === '/admin/incidents/new') return <NewIncidentPage console={c} />;
  if (incident?.id) return <IncidentPage console={c} id={incident.id} />;
  if (path.startsWith('/admin/residents') && c.features.has('residents')) return <ResidentsPage console={c} />;
  if (path.startsWith('/admin/import') && c.features.has('import')) return <ImportPage console={c} />;
  if (path.startsWith('/admin/audit')) return <AuditPage console={c} />;
  if (path.startsWith('/admin/operators')) return <OperatorsPage console={c} />;
  if (path.startsWith('/admin/settings')) return <SettingsPage console={c} />;
  return <IncidentsPage console={c} />;
}

function Nav({ console: c, onLogout }: { console: Console; onLogout: () => void }) {
  const t = useT();
  const path = usePath();
  const admin = c.operator.role === 'admin';
  const link = (href: string, label: string, current: boolean) => (
    <Link href={href} current={current}>
      {label}
    </Link>
  );
  return (
    <>
      {link('/admin', t('admin.nav.incidents'), path === '/admin' || (path.startsWith('/admin/incidents') && path !== '/admin/incidents/new'))}
      {c.operator.role !== 'viewer' ? link('/admin/incidents/new', t('admin.nav.newIncident'), path === '/admin/incidents/new') : null}
      {c.features.has('residents') ? link('/admin/residents', t('admin.nav.residents'), path.startsWith('/admin/residents')) : null}
      {admin && c.features.has('import') ? link('/admin/import', t('admin.nav.import'), path.startsWith('/admin/import')) : null}
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
      if (current.mustChangePassword || current.totpSetupRequired) return setState({ name: 'setup', admin, session: current, slug });
      const [tenant, features] = await Promise.all([loadTenant(api, slug), loadFeatures(api)]);
      applyBranding(tenant.branding.brandColor);
      setState({ name: 'in', console: { admin, operator: current.operator, tenant, api, features } });
    },
    [api],
  );

  useEffect(() => {
    const slug = rememberedTenant();
    if (!slug) return setState({ name: 'login' });
    enter(slug).catch(() => setState({ name: 'login' }));
  }, [enter]);
  useEffect(() => void (document.title = t('admin.title')), [t]);

  const loggedIn = state.name === 'in' ? state.console : null;
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
          <Nav console={loggedIn} onLogout={logout} />
        ) : state.name === 'setup' ? (
          <button type="button" class="link" onClick={logout}>
            {t('admin.nav.logOut')}
          </button>
        ) : undefined
      }
      footer={loggedIn ? t('admin.nav.signedInAs', { email: loggedIn.operator.email, role: t(`admin.roles.${loggedIn.operator.role}`) }) : undefined}
    >
      {state.name === 'loading' ? <Loading /> : null}
      {state.name === 'login' ? (
        <LoginPage api={api} initialTenant={rememberedTenant()} sessionEnded={state.sessionEnded ?? false} onLoggedIn={(slug, session) => enter(slug, session)} />
      ) : null}
      {state.name === 'setup' ? <SetupPage admin={state.admin} session={state.session} onDone={() => enter(state.slug)} /> : null}
      {loggedIn ? <Routes console={loggedIn} /> : null}
    </Layout>
  );
}
