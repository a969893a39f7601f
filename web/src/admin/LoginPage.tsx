/** Operator login: tenant, email, password and the TOTP code of the second factor. */
import { useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../shared/api';
import { Alert, ErrorAlert } from '../shared/components/feedback';
import { Button, TextField } from '../shared/components/forms';
import { useAction } from '../shared/hooks';
import { useT } from '../shared/i18n';
import { adminApi, type OperatorSession } from './admin-api';
import { Form } from '../shared/components/Form';

interface LoginPageProps {
  api: ApiClient;
  initialTenant: string;
  sessionEnded: boolean;
  onLoggedIn: (slug: string, session: OperatorSession) => Promise<void>;
}

export function LoginPage({ api, initialTenant, sessionEnded, onLoggedIn }: LoginPageProps) {
  const t = useT();
  const [tenant, setTenant] = useState(initialTenant);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const login = useAction(async () => {
    const slug = tenant.trim().toLowerCase();
    const session = await adminApi(api, slug).login({
      email: email.trim(),
      password,
      ...(totp.trim() ? { totp: totp.trim() } : {}),
    });
    await onLoggedIn(slug, session);
  });
  const error = (field: string) => (login.error instanceof ApiError ? login.error.fieldMessage(field) : undefined);

  return (
    <Form class="card login-card" aria-labelledby="admin-login-heading" onSubmit={() => void login.run()}>
      <h1 id="admin-login-heading">{t('admin.login.heading')}</h1>
      {sessionEnded ? <Alert kind="info">{t('portal.sessionEnded')}</Alert> : null}
      <TextField
        label={t('admin.login.tenant')}
        hint={t('admin.login.tenantHint')}
        value={tenant}
        onValue={setTenant}
        autoComplete="organization"
        required
      />
      <TextField
        label={t('admin.login.email')}
        type="email"
        value={email}
        onValue={setEmail}
        autoComplete="username"
        error={error('email')}
        required
      />
      <TextField
        label={t('admin.login.password')}
        type="password"
        value={password}
        onValue={setPassword}
        autoComplete="current-password"
        error={error('password')}
        required
      />
      <TextField
        label={t('admin.login.totp')}
        hint={t('admin.login.totpHint')}
        value={totp}
        onValue={setTotp}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={8}
        error={error('totp')}
      />
      <ErrorAlert error={login.error} />
      <Button type="submit" busy={login.busy} disabled={!tenant.trim() || !email.trim() || !password}>
        {t('admin.login.submit')}
      </Button>
    </Form>
  );
}
