/**
 * The public disruption map (/t/{tenant}/map) and its bare variant for iframes (/t/{tenant}/embed):
 * current and planned incidents on a map and as a list, the address check, the feeds; refreshes itself.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../shared/api';
import { Layout, LanguageSwitcher } from '../shared/components/Layout';
import { ErrorAlert } from '../shared/components/feedback';
import { useLoad } from '../shared/hooks';
import { useT } from '../shared/i18n';
import type { PublicTenant } from '../shared/tenant';
import { AddressCheck, type CheckResult } from './AddressCheck';
import { IncidentList } from './IncidentList';
import { IncidentMap } from './IncidentMap';
import { feedUrls, loadPublicIncidents } from './incidents';

const REFRESH_MS = 30_000;

function FeedLinks({ slug }: { slug: string }) {
  const t = useT();
  const urls = feedUrls(slug);
  return (
    <section class="card" aria-labelledby="feeds-heading">
      <h2 id="feeds-heading">{t('map.feeds.heading')}</h2>
      <ul class="feed-links">
        <li>
          <a href={urls.geojson} type="application/geo+json">
            {t('map.feeds.geojson')}
          </a>
        </li>
        <li>
          <a href={urls.cap} type="application/atom+xml">
            {t('map.feeds.cap')}
          </a>
        </li>
        <li>
          <a href={urls.atom} type="application/atom+xml">
            {t('map.feeds.atom')}
          </a>
        </li>
      </ul>
      <p>
        <a href={`/t/${encodeURIComponent(slug)}`}>{t('map.register')}</a>
      </p>
    </section>
  );
}

export function MapApp({ tenant, api, embed }: { tenant: PublicTenant; api: ApiClient; embed: boolean }) {
  const t = useT();
  const incidents = useLoad(() => loadPublicIncidents(api, tenant.slug), [tenant.slug], REFRESH_MS);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [check, setCheck] = useState<CheckResult | null>(null);
  const title = t('map.title', { tenant: tenant.name });
  useEffect(() => void (document.title = title), [title]);

  const content = (
    <>
      <h1>{embed ? title : t('map.heading')}</h1>
      <ErrorAlert error={incidents.error} />
      <div class="map-layout">
        <IncidentMap
          tenant={tenant}
          incidents={incidents.data ?? []}
          selectedId={selectedId}
          onSelect={setSelectedId}
          address={check?.address ?? null}
        />
        <IncidentList incidents={incidents.data ?? []} selectedId={selectedId} onSelect={setSelectedId} />
      </div>
      <AddressCheck api={api} tenantSlug={tenant.slug} result={check} onChecked={setCheck} />
      {embed ? (
        <p>
          <a href={`/t/${encodeURIComponent(tenant.slug)}/map`} target="_blank" rel="noopener">
            {t('map.openFull')}
          </a>
        </p>
      ) : (
        <FeedLinks slug={tenant.slug} />
      )}
    </>
  );

  if (embed) {
    return (
      <main id="main" class="site-main embed">
        <div class="embed__bar">
          <LanguageSwitcher languages={tenant.languages} />
        </div>
        {content}
      </main>
    );
  }
  return (
    <Layout
      title={tenant.name}
      homeHref={`/t/${encodeURIComponent(tenant.slug)}/map`}
      logoUrl={tenant.branding.logoUrl}
      languages={tenant.languages}
    >
      {content}
    </Layout>
  );
}
