/** Who is inside the area: addresses, contacts, recipients per channel, exclusions, cost. */
import { ErrorAlert } from '../../shared/components/feedback';
import { currentLanguage, useT } from '../../shared/i18n';
import { EXCLUSION_REASONS, type Preview } from '../admin-api';

const CHANNELS = ['sms', 'voice', 'email', 'push'] as const;

function costText(cost: Preview['cost']): string | null {
  if (!cost.segments) return null;
  return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency: cost.currency }).format(
    cost.cents / 100,
  );
}

interface PreviewPanelProps {
  preview: Preview | null;
  updating: boolean;
  error: unknown;
  hasArea: boolean;
}

export function PreviewPanel({ preview, updating, error, hasArea }: PreviewPanelProps) {
  const t = useT();
  const cost = preview ? costText(preview.cost) : null;
  return (
    <section class="card preview" aria-labelledby="preview-heading" aria-busy={updating ? 'true' : undefined}>
      <h2 id="preview-heading">{t('admin.preview.heading')}</h2>
      <p role="status" class="muted">
        {updating ? t('admin.preview.updating') : !hasArea ? t('admin.preview.empty') : ''}
      </p>
      <ErrorAlert error={error} />
      {preview && hasArea ? (
        <>
          <dl class="figures">
            <div>
              <dt>{t('admin.preview.addresses')}</dt>
              <dd data-figure="addresses">{preview.addresses}</dd>
            </div>
            <div>
              <dt>{t('admin.preview.contacts')}</dt>
              <dd data-figure="contacts">{preview.contacts}</dd>
            </div>
            <div>
              <dt>{t('admin.preview.endpoints')}</dt>
              <dd data-figure="endpoints">{preview.endpoints.total}</dd>
            </div>
          </dl>
          <dl class="figures figures--small">
            {CHANNELS.map((c) => (
              <div key={c}>
                <dt>{t(`admin.preview.${c}`)}</dt>
                <dd data-figure={c}>{preview.endpoints[c] ?? 0}</dd>
              </div>
            ))}
          </dl>
          {EXCLUSION_REASONS.some((e) => preview.excluded[e]) ? (
            <>
              <h3>{t('admin.preview.excluded')}</h3>
              <dl class="figures figures--small">
                {EXCLUSION_REASONS.filter((e) => preview.excluded[e]).map((e) => (
                  <div key={e}>
                    <dt>{t(`admin.preview.exclusions.${e}`)}</dt>
                    <dd data-excluded={e}>{preview.excluded[e]}</dd>
                  </div>
                ))}
              </dl>
            </>
          ) : null}
          {cost ? <p>{t('admin.preview.cost', { cost })}</p> : null}
          {preview.sample.length ? (
            <details>
              <summary>{t('admin.preview.sample')}</summary>
              <ul>
                {preview.sample.map((s) => (
                  <li key={s.id}>{s.label}</li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
