/**
 * Step 1 of the login (source pages): private person or company contact, phone or email, "I'm not a
 * robot" (ALTCHA), Send PIN. The answer is the same whether or not the number is known.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button, Choice, TextField } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { currentLanguage, useT } from '../../shared/i18n';
import type { ContactKind, Login, PinAnswer, PortalApi } from '../portal-api';
import { Form } from '../../shared/components/Form';
import { CaptchaField, type CaptchaState } from './CaptchaField';
import { PhoneUnderstood } from './PhoneUnderstood';

export interface PinRequested {
  login: Login;
  kind: ContactKind;
  /** Epoch ms after which a new PIN may be asked for. */
  resendAt: number;
  pinLength: number;
  expiresInMinutes: number;
}

/** When a new PIN may be asked for, and what the PIN looks like, from the server's answer. */
export function pinTiming(answer: PinAnswer): Pick<PinRequested, 'resendAt' | 'pinLength' | 'expiresInMinutes'> {
  return {
    resendAt: Date.now() + answer.resendAfterSeconds * 1000,
    pinLength: answer.pinLength,
    expiresInMinutes: Math.round(answer.expiresInSeconds / 60),
  };
}

interface LoginStartProps {
  portal: PortalApi;
  initial: { kind: ContactKind; login: Login } | null;
  onRequested: (request: PinRequested) => void;
}

export function LoginStart({ portal, initial, onRequested }: LoginStartProps) {
  const t = useT();
  const [kind, setKind] = useState<ContactKind>(initial?.kind ?? 'person');
  const [channel, setChannel] = useState<'phone' | 'email'>(initial?.login.email ? 'email' : 'phone');
  const [value, setValue] = useState(initial?.login.phone ?? initial?.login.email ?? '');
  const [captcha, setCaptcha] = useState<CaptchaState>({ required: null, payload: null });
  const [captchaMissing, setCaptchaMissing] = useState(false);

  const send = useAction(async () => {
    const login: Login = channel === 'phone' ? { phone: value.trim() } : { email: value.trim() };
    const answer = await portal.requestPin({
      ...login,
      language: currentLanguage(),
      ...(captcha.payload ? { captcha: captcha.payload } : {}),
    });
    onRequested({ login, kind, ...pinTiming(answer) });
  });

  function submit() {
    if (captcha.required && !captcha.payload) return setCaptchaMissing(true);
    void send.run();
  }

  const fieldError = send.error instanceof ApiError ? send.error.fieldMessage(channel) : undefined;
  return (
    <Form onSubmit={submit} class="card" aria-labelledby="login-heading">
      <h2 id="login-heading">{t('portal.login.heading')}</h2>
      <Choice
        legend={t('portal.login.who')}
        name="kind"
        value={kind}
        onValue={setKind}
        options={[
          { value: 'person', label: t('portal.login.person') },
          { value: 'company', label: t('portal.login.company') },
        ]}
      />
      <Choice
        legend={t('portal.login.channel')}
        name="channel"
        value={channel}
        onValue={(c) => {
          setChannel(c);
          setValue('');
        }}
        options={[
          { value: 'phone', label: t('portal.login.phone') },
          { value: 'email', label: t('portal.login.email') },
        ]}
      />
      {channel === 'phone' ? (
        <>
          <TextField
            key="phone"
            name="phone"
            label={t('portal.login.phoneLabel')}
            hint={t('portal.login.phoneHint')}
            type="tel"
            autoComplete="tel"
            inputMode="tel"
            value={value}
            onValue={setValue}
            error={fieldError}
            required
          />
          <PhoneUnderstood portal={portal} phone={value} />
        </>
      ) : (
        <TextField
          key="email"
          name="email"
          label={t('portal.login.emailLabel')}
          type="email"
          autoComplete="email"
          value={value}
          onValue={setValue}
          error={fieldError}
          required
        />
      )}
      <CaptchaField
        portal={portal}
        onChange={(state) => {
          setCaptcha(state);
          if (state.payload) setCaptchaMissing(false);
        }}
      />
      {captchaMissing ? <Alert kind="error">{t('portal.login.captchaNeeded')}</Alert> : null}
      {fieldError ? null : <ErrorAlert error={send.error} />}
      <Button type="submit" busy={send.busy} disabled={!value.trim()}>
        {t('portal.login.sendPin')}
      </Button>
    </Form>
  );
}
