/**
 * Under the phone field: the number as the server reads it in the tenant's country (`+358 40 123 4567`)
 * and how the PIN will come (a text to a mobile, a call to a landline), so that a number read in the
 * wrong country is seen before a PIN goes to it. Asked once the typing settles; silent while the
 * number is incomplete (sending it names the problem).
 */
import { useEffect, useState } from 'preact/hooks';
import { useDebounced } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { PhoneUnderstood as Understood, PortalApi } from '../portal-api';

const SETTLE_MS = 300;

export function PhoneUnderstood({ portal, phone }: { portal: PortalApi; phone: string }) {
  const t = useT();
  const settled = useDebounced(phone.trim(), SETTLE_MS);
  const [understood, setUnderstood] = useState<Understood | null>(null);
  useEffect(() => {
    let current = true;
    setUnderstood(null);
    if (settled.replace(/\D/g, '').length < 6) return undefined;
    portal.understandPhone(settled).then(
      (answer) => current && setUnderstood(answer),
      () => current && setUnderstood(null),
    );
    return () => void (current = false);
  }, [portal, settled]);

  return (
    <p class="phone-understood" aria-live="polite">
      {understood
        ? t(understood.type === 'landline' ? 'portal.login.understoodLandline' : 'portal.login.understoodMobile', {
            number: understood.formatted,
          })
        : null}
    </p>
  );
}
