/**
 * Register once: the other tenants whose service area covers the new address, each with its own
 * consent box; each tenant keeps its own copy as its own data controller.
 */
import { useState } from 'preact/hooks';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button, Checkbox } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { AddedAddress, PortalApi, SignUpOnceResult } from '../portal-api';
import { Form } from '../../shared/components/Form';

export function SignUpOnceOffer({
  portal,
  added,
  onDone,
}: {
  portal: PortalApi;
  added: AddedAddress;
  onDone: () => void;
}) {
  const t = useT();
  const [chosen, setChosen] = useState<string[]>([]);
  const [results, setResults] = useState<SignUpOnceResult[] | null>(null);
  const a = added.address.address;
  const register = useAction(async () => {
    setResults((await portal.registerElsewhere(added.address.id, chosen)).results);
  });
  if (results) {
    return (
      <Alert kind="ok">
        <p>{t('portal.signUpOnce.done')}</p>
        <ul>
          {results.map((r) => (
            <li key={r.slug}>{t(`portal.signUpOnce.results.${r.status}`, { tenant: r.name ?? r.slug })}</li>
          ))}
        </ul>
      </Alert>
    );
  }

  return (
    <Form class="register-once" aria-labelledby="register-once-heading" onSubmit={() => void register.run()}>
      <h3 id="register-once-heading">{t('portal.signUpOnce.heading')}</h3>
      <p>{t('portal.signUpOnce.intro', { address: `${a.street} ${a.number}` })}</p>
      {added.otherTenants.map((other) => (
        <Checkbox
          key={other.slug}
          checked={chosen.includes(other.slug)}
          onChange={(on) => setChosen((c) => (on ? [...c, other.slug] : c.filter((s) => s !== other.slug)))}
          label={t('portal.signUpOnce.consent', {
            tenant: other.name,
            services: other.services.map((s) => t(`common.services.${s}`)).join(', '),
          })}
        />
      ))}
      <ErrorAlert error={register.error} />
      <div class="row">
        <Button type="submit" busy={register.busy} disabled={chosen.length === 0}>
          {t('portal.signUpOnce.submit')}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t('portal.signUpOnce.skip')}
        </Button>
      </div>
    </Form>
  );
}
