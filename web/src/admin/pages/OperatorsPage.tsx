/** Operator accounts of the tenant (admins): who has which role; add one (a one-time password); API tokens. */
import { useState } from 'preact/hooks';
import { Alert, ErrorAlert, Loading } from '../../shared/components/feedback';
import { Button, SelectField, TextField } from '../../shared/components/forms';
import { useAction, useLoad } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import { DataTable } from '../../shared/components/DataTable';
import type { ConsoleSession } from '../AdminApp';
import { ROLES, type Role } from '../admin-api';
import { Form } from '../../shared/components/Form';

function useRoleOptions() {
  const t = useT();
  return ROLES.map((r) => ({ value: r, label: t(`admin.roles.${r}`) }));
}

function AddOperator({ session, onAdded }: { session: ConsoleSession; onAdded: () => Promise<void> }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [oneTime, setOneTime] = useState<string | null>(null);
  const add = useAction(async () => {
    const created = await session.admin.createOperator({ email: email.trim(), role });
    setOneTime(created.oneTimePassword ?? null);
    setEmail('');
    await onAdded();
  });
  return (
    <Form class="card" aria-labelledby="add-operator-heading" onSubmit={() => void add.run()}>
      <h2 id="add-operator-heading">{t('admin.operators.add')}</h2>
      <div class="grid-2">
        <TextField
          label={t('admin.operators.email')}
          type="email"
          value={email}
          onValue={setEmail}
          autoComplete="off"
        />
        <SelectField label={t('admin.operators.role')} value={role} onValue={setRole} options={useRoleOptions()} />
      </div>
      <ErrorAlert error={add.error} />
      {oneTime ? (
        <Alert kind="ok">
          {t('admin.operators.added')} <code>{oneTime}</code>
        </Alert>
      ) : null}
      <Button type="submit" busy={add.busy} disabled={!email.trim()}>
        {t('admin.operators.add')}
      </Button>
    </Form>
  );
}

function CreateToken({ session }: { session: ConsoleSession }) {
  const t = useT();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [token, setToken] = useState<string | null>(null);
  const create = useAction(async () => setToken((await session.admin.createToken({ name: name.trim(), role })).token));
  return (
    <Form class="card" aria-labelledby="tokens-heading" onSubmit={() => void create.run()}>
      <h2 id="tokens-heading">{t('admin.operators.tokens')}</h2>
      <div class="grid-2">
        <TextField label={t('admin.operators.tokenName')} value={name} onValue={setName} />
        <SelectField label={t('admin.operators.role')} value={role} onValue={setRole} options={useRoleOptions()} />
      </div>
      <ErrorAlert error={create.error} />
      {token ? (
        <Alert kind="ok">
          {t('admin.operators.tokenCreated')} <code class="totp-secret">{token}</code>
        </Alert>
      ) : null}
      <Button type="submit" variant="secondary" busy={create.busy} disabled={!name.trim()}>
        {t('admin.operators.createToken')}
      </Button>
    </Form>
  );
}

export function OperatorsPage({ session }: { session: ConsoleSession }) {
  const t = useT();
  const list = useLoad(() => session.admin.operators(), [session.admin]);
  return (
    <section aria-labelledby="operators-heading">
      <h1 id="operators-heading">{t('admin.operators.heading')}</h1>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorAlert error={list.error} />
      {list.data ? (
        <DataTable
          class="card"
          label={t('admin.operators.heading')}
          rows={list.data.items}
          rowKey={(o) => o.id}
          columns={[
            { header: t('admin.operators.email'), cell: (o) => o.email },
            { header: t('admin.operators.name'), cell: (o) => o.name ?? '' },
            { header: t('admin.operators.role'), cell: (o) => t(`admin.roles.${o.role}`) },
            { header: t('admin.operators.totp'), cell: (o) => (o.totpEnabled ? t('common.yes') : t('common.no')) },
          ]}
        />
      ) : null}
      <AddOperator session={session} onAdded={list.reload} />
      <CreateToken session={session} />
    </section>
  );
}
