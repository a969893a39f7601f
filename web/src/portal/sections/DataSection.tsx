/** Download all my data as JSON, or delete all of it. */
import { ConfirmButton } from '../../shared/components/ConfirmButton';
import { ErrorAlert } from '../../shared/components/feedback';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { PortalApi } from '../portal-api';

export function DataSection({ portal, onDeleted }: { portal: PortalApi; onDeleted: () => void }) {
  const t = useT();
  const remove = useAction(async () => {
    await portal.deleteAll();
    onDeleted();
  });
  return (
    <section class="card" aria-labelledby="data-heading">
      <h2 id="data-heading">{t('portal.data.heading')}</h2>
      <div class="row">
        <a class="button button--secondary button--small" href={portal.exportUrl} download="aviso-my-data.json">
          {t('portal.data.export')}
        </a>
        <ConfirmButton
          variant="danger"
          question={t('portal.data.deleteConfirm')}
          onConfirm={() => remove.run()}
          busy={remove.busy}
        >
          {t('portal.data.delete')}
        </ConfirmButton>
      </div>
      <ErrorAlert error={remove.error} />
    </section>
  );
}
