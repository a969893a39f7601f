/**
 * "I'm not a robot": asks the server whether a CAPTCHA is on (`AVISO_CAPTCHA=off` turns it off for
 * closed set-ups) and, when it is, shows the self-hosted ALTCHA widget.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { currentLanguage, useT } from '../../shared/i18n';
import { Captcha } from '../Captcha';
import type { PortalApi } from '../portal-api';

export interface CaptchaState {
  /** null while not yet known. */
  required: boolean | null;
  payload: string | null;
}

async function captchaRequired(portal: PortalApi): Promise<boolean> {
  try {
    const challenge = await portal.captchaChallenge();
    return (
      challenge !== null && typeof challenge === 'object' && ('challenge' in challenge || 'parameters' in challenge)
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

export function CaptchaField({ portal, onChange }: { portal: PortalApi; onChange: (state: CaptchaState) => void }) {
  const t = useT();
  const [required, setRequired] = useState<boolean | null>(null);
  useEffect(() => {
    // If the question itself fails, show the widget: the server decides in the end.
    void captchaRequired(portal)
      .catch(() => true)
      .then((value) => {
        setRequired(value);
        onChange({ required: value, payload: null });
      });
  }, [portal]);

  if (!required) return null;
  return (
    <div class="captcha-field">
      <span class="label" id="captcha-label">
        {t('portal.login.captcha')}
      </span>
      <Captcha
        challengeUrl={portal.captchaUrl}
        language={currentLanguage()}
        onVerified={(payload) => onChange({ required: true, payload })}
        onExpired={() => onChange({ required: true, payload: null })}
      />
    </div>
  );
}
