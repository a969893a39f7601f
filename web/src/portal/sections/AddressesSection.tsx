/**
 * My addresses: the main one and any number of extra ones (holiday home, relative's flat, managed
 * properties), each with notices on or off; add with the address picker; a map with a marker each.
 */
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../../shared/api';
import { ConfirmButton } from '../../shared/components/ConfirmButton';
import { Alert, ErrorAlert, Loading } from '../../shared/components/feedback';
import { Button } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { currentLanguage, useT } from '../../shared/i18n';
import { addressLine } from '../../shared/address-text';
import type { PublicTenant } from '../../shared/tenant';
import type { AddedAddress, MyAddress, PortalApi } from '../portal-api';
import { AddAddressForm } from './AddAddressForm';
import { SignUpOnceOffer } from './SignUpOnceOffer';
import { SourceBadge } from './SourceBadge';

// Leaflet stays out of the portal's first load: the map comes when there is an address to show.
const AddressMap = lazy(() => import('./AddressMap').then((m) => ({ default: m.AddressMap })));

interface ItemProps {
  portal: PortalApi;
  item: MyAddress;
  index: number;
  /** Whether the resident has a confirmed number or email that notices can go to. */
  reachable: boolean;
  reload: () => Promise<void>;
}

function AddressItem({ portal, item, index, reachable, reload }: ItemProps) {
  const t = useT();
  const change = useAction(async (body: Parameters<PortalApi['updateAddress']>[1]) => {
    await portal.updateAddress(item.id, body);
    await reload();
  });
  const remove = useAction(async () => {
    await portal.removeAddress(item.id);
    await reload();
  });
  const a = item.address;
  const label = addressLine(a, currentLanguage());
  return (
    <li class={item.active ? 'my-address' : 'my-address my-address--inactive'} data-address-id={item.addressId}>
      <p class="my-address__title">
        <span class="my-address__marker" aria-hidden="true">
          {index + 1}
        </span>
        <strong>
          {item.label ? `${item.label}: ` : ''}
          {label}
        </strong>
      </p>
      <p>
        <SourceBadge source={item.source} />{' '}
        {item.active && !reachable ? (
          <span class="badge badge--warn">{t('portal.addresses.unreachable')}</span>
        ) : (
          <span class={item.active ? 'badge badge--ok' : 'badge'}>
            {item.active ? t('portal.addresses.active') : t('portal.addresses.inactive')}
          </span>
        )}
        {a.propertyId ? <span class="muted"> · {t('portal.addresses.property', { id: a.propertyId })}</span> : null}
      </p>
      <div class="row">
        <Button variant="secondary" small busy={change.busy} onClick={() => void change.run({ active: !item.active })}>
          {item.active ? t('portal.addresses.deactivate') : t('portal.addresses.activate')}
        </Button>
        {item.role === 'extra' ? (
          <Button variant="secondary" small busy={change.busy} onClick={() => void change.run({ role: 'main' })}>
            {t('portal.addresses.setMain')}
          </Button>
        ) : null}
        <ConfirmButton
          question={t('portal.addresses.removeConfirm', { address: label })}
          onConfirm={() => remove.run()}
          busy={remove.busy}
        >
          {t('common.remove')}
        </ConfirmButton>
      </div>
      <ErrorAlert error={change.error ?? remove.error} />
    </li>
  );
}

interface SectionProps {
  tenant: PublicTenant;
  api: ApiClient;
  portal: PortalApi;
  addresses: MyAddress[];
  reachable: boolean;
  reload: () => Promise<void>;
}

export function AddressesSection({ tenant, api, portal, addresses, reachable, reload }: SectionProps) {
  const t = useT();
  const [adding, setAdding] = useState(addresses.length === 0);
  const [added, setAdded] = useState<AddedAddress | null>(null);
  // After an add the form closes; keyboard focus goes on to the button that opens it again.
  useEffect(() => {
    if (added) document.getElementById('add-address-button')?.focus();
  }, [added]);
  const main = addresses.filter((a) => a.role === 'main');
  const extra = addresses.filter((a) => a.role === 'extra');
  const ordered = [...main, ...extra];
  const item = (a: MyAddress) => (
    <AddressItem key={a.id} portal={portal} item={a} index={ordered.indexOf(a)} reachable={reachable} reload={reload} />
  );

  return (
    <section class="card" aria-labelledby="addresses-heading">
      <h2 id="addresses-heading">{t('portal.addresses.heading')}</h2>
      {addresses.length === 0 ? <p>{t('portal.addresses.none')}</p> : null}
      <h3>{t('portal.addresses.main')}</h3>
      {main.length ? <ul class="list-plain">{main.map(item)}</ul> : <p class="muted">—</p>}
      <h3>{t('portal.addresses.extra')}</h3>
      {extra.length ? (
        <ul class="list-plain">{extra.map(item)}</ul>
      ) : (
        <p class="muted">{t('portal.addresses.noneExtra')}</p>
      )}
      {added ? <Alert kind="ok">{t('portal.addresses.added')}</Alert> : null}
      {added && added.otherTenants.length > 0 ? (
        <SignUpOnceOffer portal={portal} added={added} onDone={() => setAdded(null)} />
      ) : null}
      {ordered.length > 0 ? (
        <Suspense fallback={<Loading />}>
          <AddressMap tenant={tenant} addresses={ordered} />
        </Suspense>
      ) : null}
      {adding ? (
        <AddAddressForm
          tenant={tenant}
          api={api}
          portal={portal}
          hasMain={main.length > 0}
          onAdded={async (answer) => {
            setAdded(answer);
            setAdding(false);
            await reload();
          }}
          onClose={addresses.length ? () => setAdding(false) : undefined}
        />
      ) : (
        <Button
          id="add-address-button"
          variant="secondary"
          onClick={() => {
            setAdded(null);
            setAdding(true);
          }}
        >
          {main.length ? t('portal.addresses.addExtra') : t('portal.addresses.add')}
        </Button>
      )}
    </section>
  );
}
