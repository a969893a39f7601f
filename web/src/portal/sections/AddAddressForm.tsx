/**
 * New address (source pages): postal code, street, number, find matches, pick the right one, main or
 * extra, an optional name.
 */
import { useState } from 'preact/hooks';
import type { ApiClient } from '../../shared/api';
import { AddressPicker, type Address } from '../../shared/components/AddressPicker';
import { ErrorAlert } from '../../shared/components/feedback';
import { Button, Choice, TextField } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { PublicTenant } from '../../shared/tenant';
import type { AddedAddress, PortalApi } from '../portal-api';
import { Form } from '../../shared/components/Form';

interface AddAddressFormProps {
  tenant: PublicTenant;
  api: ApiClient;
  portal: PortalApi;
  hasMain: boolean;
  onAdded: (added: AddedAddress) => Promise<void>;
  onClose?: (() => void) | undefined;
}

export function AddAddressForm({ tenant, api, portal, hasMain, onAdded, onClose }: AddAddressFormProps) {
  const t = useT();
  const [selected, setSelected] = useState<Address | null>(null);
  const [role, setRole] = useState<'main' | 'extra'>(hasMain ? 'extra' : 'main');
  const [label, setLabel] = useState('');

  const add = useAction(async (address: Address) => {
    await onAdded(
      await portal.addAddress({ addressId: address.id, role, ...(label.trim() ? { label: label.trim() } : {}) }),
    );
  });

  return (
    <div class="add-address">
      <Form
        aria-labelledby="add-address-heading"
        onSubmit={() => {
          if (selected) void add.run(selected);
        }}
      >
        <h3 id="add-address-heading">{hasMain ? t('portal.addresses.addExtra') : t('portal.addresses.add')}</h3>
        <p class="muted">{t('portal.addresses.addHint')}</p>
        <AddressPicker api={api} tenantSlug={tenant.slug} selected={selected} onSelect={setSelected} />
        <Choice
          legend={t('portal.addresses.role')}
          name="address-role"
          value={role}
          onValue={setRole}
          options={[
            { value: 'main', label: t('portal.addresses.roleMain') },
            { value: 'extra', label: t('portal.addresses.roleExtra') },
          ]}
        />
        <TextField
          label={t('portal.addresses.label')}
          hint={t('portal.addresses.labelHint')}
          value={label}
          onValue={setLabel}
          maxLength={60}
        />
        <ErrorAlert error={add.error} />
        <div class="row">
          <Button type="submit" busy={add.busy} disabled={!selected}>
            {t('portal.addresses.submit')}
          </Button>
          {onClose ? (
            <Button variant="secondary" onClick={onClose}>
              {t('common.close')}
            </Button>
          ) : null}
        </div>
      </Form>
    </div>
  );
}
