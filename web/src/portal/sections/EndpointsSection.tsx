/**
 * Numbers and emails: add (a PIN goes to the new one and it counts only once verified), verify,
 * correct mobile/landline, remove; a number that answered STOP by SMS says so and can be taken back;
 * and this browser's notifications (PushSection).
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { ConfirmButton } from '../../shared/components/ConfirmButton';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button, SelectField, TextField } from '../../shared/components/forms';
import { useAction, useLoad } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { Endpoint, PortalApi } from '../portal-api';

type PhoneType = 'mobile' | 'landline';
import { SourceBadge } from './SourceBadge';
import { PhoneUnderstood } from '../login/PhoneUnderstood';
import { Form } from '../../shared/components/Form';
import { PushSection } from './PushSection';

interface SectionProps {
  portal: PortalApi;
  endpoints: Endpoint[];
  reload: () => Promise<void>;
}

function VerifyForm({
  portal,
  endpoint,
  reload,
}: {
  portal: PortalApi;
  endpoint: Endpoint;
  reload: () => Promise<void>;
}) {
  const t = useT();
  const [pin, setPin] = useState('');
  const verify = useAction(async () => {
    await portal.verifyEndpoint(endpoint.id, pin.trim());
    await reload();
  });
  const resend = useAction(() => portal.resendEndpointPin(endpoint.id));
  const pinError = verify.error instanceof ApiError ? verify.error.fieldMessage('pin') : undefined;
  return (
    <Form class="verify-form" onSubmit={() => void verify.run()}>
      <p class="muted">
        {t(endpoint.type === 'email' ? 'portal.endpoints.verifyHintEmail' : 'portal.endpoints.verifyHint', {
          to: endpoint.value,
        })}
      </p>
      <div class="row">
        <TextField
          label={t('portal.login.pinLabel')}
          value={pin}
          onValue={setPin}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={8}
          error={pinError}
        />
        <div class="field">
          <Button type="submit" small busy={verify.busy} disabled={pin.trim().length < 4}>
            {t('portal.endpoints.verify')}
          </Button>
        </div>
      </div>
      {pinError ? null : <ErrorAlert error={verify.error ?? resend.error} />}
      <button type="button" class="link" onClick={() => void resend.run()}>
        {t('portal.login.resend')}
      </button>
    </Form>
  );
}

function OptedOut({ portal, number, reload }: { portal: PortalApi; number: string; reload: () => Promise<void> }) {
  const t = useT();
  const undo = useAction(async () => {
    await portal.undoSmsOptOut(number);
    await reload();
  });
  return (
    <div class="opted-out">
      <Alert kind="warn">{t('portal.endpoints.optedOut')}</Alert>
      <Button small variant="secondary" busy={undo.busy} onClick={() => void undo.run()}>
        {t('portal.endpoints.undoOptOut')}
      </Button>
      <ErrorAlert error={undo.error} />
    </div>
  );
}

interface EndpointItemProps {
  portal: PortalApi;
  endpoint: Endpoint;
  /** This is the only confirmed number or email: without it no notice reaches the resident. */
  last: boolean;
  reload: () => Promise<void>;
  /** The number answered STOP: no notices go to it. */
  optedOut: boolean;
  reloadOptOuts: () => Promise<void>;
}

function EndpointItem({ portal, endpoint, last, reload, optedOut, reloadOptOuts }: EndpointItemProps) {
  const t = useT();
  const remove = useAction(async () => {
    await portal.removeEndpoint(endpoint.id);
    await reload();
  });
  const retype = useAction(async (type: PhoneType) => {
    await portal.updateEndpoint(endpoint.id, { type });
    await reload();
  });
  const isPhone = endpoint.type === 'mobile' || endpoint.type === 'landline';
  return (
    <li class="endpoint" data-endpoint={endpoint.value}>
      <p>
        <strong class="endpoint__value">{endpoint.value}</strong> · {t(`portal.endpoints.types.${endpoint.type}`)} ·{' '}
        <SourceBadge source={endpoint.source} />{' '}
        <span class={endpoint.verified ? 'badge badge--ok' : 'badge badge--planned'}>
          {endpoint.verified ? t('portal.endpoints.verified') : t('portal.endpoints.unverified')}
        </span>
      </p>
      {endpoint.verified ? null : <VerifyForm portal={portal} endpoint={endpoint} reload={reload} />}
      {optedOut ? <OptedOut portal={portal} number={endpoint.value} reload={reloadOptOuts} /> : null}
      <div class="row">
        {isPhone ? (
          <SelectField<PhoneType>
            label={t('portal.endpoints.type')}
            value={endpoint.type as PhoneType}
            onValue={(type) => void retype.run(type)}
            options={(['mobile', 'landline'] as const).map((v) => ({
              value: v,
              label: t(`portal.endpoints.types.${v}`),
            }))}
          />
        ) : null}
        <div class="field">
          <ConfirmButton
            question={t(last ? 'portal.endpoints.removeLastConfirm' : 'portal.endpoints.removeConfirm', {
              value: endpoint.value,
            })}
            onConfirm={() => remove.run()}
            busy={remove.busy}
          >
            {t('common.remove')}
          </ConfirmButton>
        </div>
      </div>
      <ErrorAlert error={remove.error ?? retype.error} />
    </li>
  );
}

function AddEndpointForm({ portal, reload }: { portal: PortalApi; reload: () => Promise<void> }) {
  const t = useT();
  const [value, setValue] = useState('');
  const [added, setAdded] = useState(false);
  const add = useAction(async () => {
    await portal.addEndpoint({ value: value.trim() });
    setValue('');
    setAdded(true);
    await reload();
  });
  const fieldError = add.error instanceof ApiError ? add.error.fieldMessage('value') : undefined;
  return (
    <Form
      onSubmit={() => {
        setAdded(false);
        void add.run();
      }}
    >
      <h3>{t('portal.endpoints.add')}</h3>
      <TextField
        label={t('portal.endpoints.addLabel')}
        hint={t('portal.login.phoneHint')}
        value={value}
        onValue={setValue}
        autoComplete="off"
        error={fieldError}
      />
      {/* A number (not an email) as the server reads it, before its verification PIN goes out. */}
      <PhoneUnderstood portal={portal} phone={value.includes('@') ? '' : value} />
      {fieldError ? null : <ErrorAlert error={add.error} />}
      {added ? <Alert kind="ok">{t('portal.endpoints.added')}</Alert> : null}
      <Button type="submit" variant="secondary" busy={add.busy} disabled={!value.trim()}>
        {t('portal.endpoints.add')}
      </Button>
    </Form>
  );
}

export function EndpointsSection({ portal, endpoints, reload }: SectionProps) {
  const t = useT();
  const verified = endpoints.filter((e) => e.verified);
  // Browsers (push) are listed by their own part below, not as numbers.
  const listed = endpoints.filter((e) => e.type !== 'push');
  const optOuts = useLoad(() => portal.smsOptOuts(), [endpoints]);
  const stopped = new Set(optOuts.data?.items.map((o) => o.number));
  return (
    <section class="card" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">{t('portal.endpoints.heading')}</h2>
      {listed.length === 0 ? <p>{t('portal.endpoints.none')}</p> : null}
      {verified.length === 0 ? <Alert kind="warn">{t('portal.endpoints.unreachable')}</Alert> : null}
      <ul class="list-plain">
        {listed.map((e) => (
          <EndpointItem
            key={e.id}
            portal={portal}
            endpoint={e}
            last={e.verified && verified.length === 1}
            reload={reload}
            optedOut={stopped.has(e.value)}
            reloadOptOuts={optOuts.reload}
          />
        ))}
      </ul>
      <AddEndpointForm portal={portal} reload={reload} />
      <PushSection portal={portal} />
    </section>
  );
}
