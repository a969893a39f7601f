/**
 * Step 2: enter the PIN ("it can take a few minutes"); a new PIN after the cooldown; or go back and
 * try another number.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button, TextField } from '../../shared/components/forms';
import { useAction, useCountdown } from '../../shared/hooks';
import { currentLanguage, useT } from '../../shared/i18n';
import type { PortalApi } from '../portal-api';
import { CaptchaField, type CaptchaState } from './CaptchaField';
import { pinTiming, type PinRequested } from './LoginStart';
import { Form } from '../../shared/components/Form';

interface PinStepProps {
  portal: PortalApi;
  request: PinRequested;
  onResent: (request: PinRequested) => void;
  onBack: () => void;
  onLoggedIn: (csrfToken: string) => void;
}

function ResendPin({ portal, request, onResent }: Pick<PinStepProps, 'portal' | 'request' | 'onResent'>) {
  const t = useT();
  const seconds = useCountdown(request.resendAt);
  const [asking, setAsking] = useState(false);
  const [captcha, setCaptcha] = useState<CaptchaState>({ required: null, payload: null });
  const resend = useAction(async (payload: string | null) => {
    const answer = await portal.requestPin({
      ...request.login,
      language: currentLanguage(),
      ...(payload ? { captcha: payload } : {}),
    });
    setAsking(false);
    onResent({ ...request, ...pinTiming(answer) });
  });

  useEffect(() => {
    if (asking && captcha.required === false) void resend.run(null);
    if (asking && captcha.payload) void resend.run(captcha.payload);
  }, [asking, captcha]);

  if (seconds > 0) return <p class="muted">{t('portal.login.resendIn', { seconds })}</p>;
  return (
    <div>
      {asking ? <CaptchaField portal={portal} onChange={setCaptcha} /> : null}
      <ErrorAlert error={resend.error} />
      <Button
        variant="secondary"
        onClick={() => setAsking(true)}
        busy={resend.busy || (asking && captcha.required !== false)}
      >
        {t('portal.login.resend')}
      </Button>
    </div>
  );
}

export function PinStep({ portal, request, onResent, onBack, onLoggedIn }: PinStepProps) {
  const t = useT();
  const [pin, setPin] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const login = useAction(async () => {
    const answer = await portal.login({ ...request.login, pin: pin.trim() });
    onLoggedIn(answer.csrfToken);
  });
  const to = request.login.phone ?? request.login.email ?? '';
  const pinError = login.error instanceof ApiError ? login.error.fieldMessage('pin') : undefined;

  return (
    <div class="card">
      <h2 ref={heading} tabIndex={-1}>
        {t('portal.login.pinLabel')}
      </h2>
      <Alert kind="info">{t(request.login.email ? 'portal.login.pinSentEmail' : 'portal.login.pinSent', { to })}</Alert>
      <Form onSubmit={() => void login.run()}>
        <TextField
          name="pin"
          label={t('portal.login.pinLabel')}
          hint={t('portal.login.pinHint', { length: request.pinLength, minutes: request.expiresInMinutes })}
          value={pin}
          onValue={setPin}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={request.pinLength}
          error={pinError}
          required
        />
        {pinError ? null : <ErrorAlert error={login.error} />}
        <Button type="submit" busy={login.busy} disabled={pin.trim().length < request.pinLength}>
          {t('portal.login.logIn')}
        </Button>
      </Form>
      <p class="muted">{t('portal.login.noPin')}</p>
      <ResendPin portal={portal} request={request} onResent={onResent} />
      <p>
        <button type="button" class="link" onClick={onBack}>
          {t('portal.login.otherNumber')}
        </button>
      </p>
    </div>
  );
}
