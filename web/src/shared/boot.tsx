/** Starts a page: texts, the tenant (for pages under /t/{tenant}), branding, then the app. */
import './base.css';
import { render, type VNode } from 'preact';
import { ApiError, createApiClient, type ApiClient } from './api';
import { initI18n } from './i18n';
import { Alert } from './components/feedback';
import { applyBranding, LANGUAGES, loadTenant, tenantSlugFromPath, type Language, type PublicTenant } from './tenant';
import i18next from 'i18next';

function mount(app: VNode): void {
  const root = document.getElementById('app');
  if (root) render(app, root);
}

/** A page outside any tenant (console, dev inbox). */
export async function bootPage(languages: readonly Language[], app: (api: ApiClient) => VNode): Promise<void> {
  await initI18n(languages);
  mount(app(createApiClient()));
}

/** A page under /t/{tenant}: the tenant's languages and brand colour apply. */
export async function bootTenantPage(app: (tenant: PublicTenant, api: ApiClient) => VNode): Promise<void> {
  const api = createApiClient();
  const slug = tenantSlugFromPath(location.pathname) ?? '';
  let tenant: PublicTenant;
  try {
    tenant = await loadTenant(api, slug);
  } catch (error) {
    await initI18n(LANGUAGES);
    const key = error instanceof ApiError && error.status === 404 ? 'common.tenantNotFound' : 'common.error';
    mount(
      <main id="main" class="site-main">
        <h1>Aviso</h1>
        <Alert kind="error">{i18next.t(key)}</Alert>
      </main>,
    );
    return;
  }
  await initI18n(tenant.languages);
  applyBranding(tenant.branding.brandColor);
  mount(app(tenant, api));
}
