/**
 * What a new session must do before anything else: replace the one-time password, and set up TOTP
 * when the tenant requires it (the key as text and as an otpauth:// link for the authenticator app).
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { ErrorAlert } from '../shared/components/feedback';
import { Button, TextField } from '../shared/components/forms';
import { useAction } from '../shared/hooks';
import { useT } from '../shared/i18n';
import type { AdminApi, OperatorSession } from './admin-api';
import { Form } from '../shared/components/Form';

function PasswordStep({ admin, onDone }: { admin: AdminApi; onDone: () => Promise<void> }) {
  const t = useT();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const save = useAction(async () => {
    await admin.changePassword({ currentPassword, newPassword });
    await onDone();
  });
  const error = (field: string) => (save.error instanceof ApiError ? save.error.fieldMessage(field) : undefined);
  return (
    <Form class="card" aria-labelledby="password-heading" onSubmit={() => void save.run()}>
      <h2 id="password-heading">{t('admin.setup.passwordHeading')}</h2>
      <p>{t('admin.setup.passwordIntro')}</p>
      <TextField
        label={t('admin.setup.currentPassword')}
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        onValue={setCurrent}
        error={error('currentPassword')}
      />
      <TextField
        label={t('admin.setup.newPassword')}
        hint={t('admin.setup.newPasswordHint')}
        type="password"
        autoComplete="new-password"
        value={newPassword}
        onValue={setNew}
        error={error('newPassword')}
      />
      {error('currentPassword') || error('newPassword') ? null : <ErrorAlert error={save.error} />}
      <Button type="submit" busy={save.busy} disabled={!currentPassword || !newPassword}>
        {t('admin.setup.savePassword')}
      </Button>
    </Form>
  );
}

function TotpStep({ admin, onDone }: { admin: AdminApi; onDone: () => Promise<void> }) {
  const t = useT();
  const [key, setKey] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const begin = useAction(async () => setKey(await admin.beginTotp()));
  const confirm = useAction(async () => {
    await admin.confirmTotp(code.trim());
    await onDone();
  });
  return (
    <section class="card" aria-labelledby="totp-heading">
      <h2 id="totp-heading">{t('admin.setup.totpHeading')}</h2>
      <p>{t('admin.setup.totpIntro')}</p>
      {key ? (
        <Form onSubmit={() => void confirm.run()}>
          <p>
            {t('admin.setup.secret')}: <code class="totp-secret">{key.secret}</code>
          </p>
          <p>
            <a href={key.uri}>{t('admin.setup.uri')}</a>
          </p>
          <TextField
            label={t('admin.setup.code')}
            value={code}
            onValue={setCode}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={8}
          />
          <ErrorAlert error={confirm.error} />
          <Button type="submit" busy={confirm.busy} disabled={code.trim().length < 6}>
            {t('admin.setup.confirm')}
          </Button>
        </Form>
      ) : (
        <>
          <ErrorAlert error={begin.error} />
          <Button onClick={() => void begin.run()} busy={begin.busy}>
            {t('admin.setup.start')}
          </Button>
        </>
      )}
    </section>
  );
}

export function SetupPage({
  admin,
  session,
  onDone,
}: {
  admin: AdminApi;
  session: OperatorSession;
  onDone: () => Promise<void>;
}) {
  const t = useT();
  return (
    <div class="login-card">
      <h1>{t('admin.setup.heading')}</h1>
      {session.mustChangePassword ? (
        <PasswordStep admin={admin} onDone={onDone} />
      ) : (
        <TotpStep admin={admin} onDone={onDone} />
      )}
    </div>
  );
}
