/**
 * The address picker of the source pages: postal code first, then street and number; matches appear
 * while typing (and on "Find matches"), and the resident picks the right one ("131a" vs "131b").
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type * as api from '../../../../src/contracts';
import { query, tenantPath, type ApiClient } from '../api';
import { useDebounced } from '../hooks';
import { currentLanguage, useT } from '../i18n';
import { addressLine, streetNames } from '../address-text';
import { Button, TextField } from './forms';
import { ErrorAlert } from './feedback';

/** An address as the address search answers it. */
export type Address = api.AddressView;

interface AddressPickerProps {
  api: ApiClient;
  tenantSlug: string;
  selected: Address | null;
  onSelect: (address: Address | null) => void;
}

function useAddressSearch(api: ApiClient, tenantSlug: string, postalCode: string, text: string) {
  const [matches, setMatches] = useState<Address[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [searching, setSearching] = useState(false);

  async function search(code: string, q: string) {
    if (q.trim().length < 2 && code.trim().length < 3) return setMatches(null);
    setSearching(true);
    try {
      const path = tenantPath(
        tenantSlug,
        `/addresses${query({ q: q.trim(), postalCode: /^\d{3,10}$/.test(code.trim()) ? code.trim() : undefined })}`,
      );
      setMatches((await api.get<{ items: Address[] }>(path)).items);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setSearching(false);
    }
  }

  const settled = useDebounced(`${postalCode}\u0000${text}`, 250);
  useEffect(() => {
    const [code = '', q = ''] = settled.split('\u0000');
    void search(code, q);
    // Only the settled input matters; `search` is a new function on every render.
  }, [settled]);

  return { matches, error, searching, searchNow: () => search(postalCode, text) };
}

export function AddressPicker({ api, tenantSlug, selected, onSelect }: AddressPickerProps) {
  const t = useT();
  const language = currentLanguage();
  const id = useId();
  const [postalCode, setPostalCode] = useState('');
  const [street, setStreet] = useState('');
  const [number, setNumber] = useState('');
  const { matches, error, searching, searchNow } = useAddressSearch(api, tenantSlug, postalCode, `${street} ${number}`);

  useEffect(() => {
    if (selected && matches && !matches.some((m) => m.id === selected.id)) onSelect(null);
  }, [matches]);

  return (
    <div class="address-picker">
      <p class="field__hint" id={`${id}-help`}>
        {t('common.address.typeToSearch')}
      </p>
      <div class="address-picker__fields">
        <TextField
          label={t('common.address.postalCode')}
          value={postalCode}
          onValue={setPostalCode}
          inputMode="numeric"
          autoComplete="postal-code"
          maxLength={10}
        />
        <TextField label={t('common.address.street')} value={street} onValue={setStreet} autoComplete="address-line1" />
        <TextField
          label={t('common.address.number')}
          value={number}
          onValue={setNumber}
          autoComplete="off"
          maxLength={12}
        />
      </div>
      <Button variant="secondary" onClick={() => void searchNow()} busy={searching}>
        {t('common.address.findMatches')}
      </Button>
      <ErrorAlert error={error} />
      <p role="status" class="muted address-picker__status">
        {searching
          ? t('common.address.searching')
          : matches && matches.length === 0
            ? t('common.address.noMatches')
            : ''}
      </p>
      {matches && matches.length > 0 ? (
        <fieldset class="address-picker__matches">
          <legend class="label">{t('common.address.pick')}</legend>
          <ul class="list-plain">
            {matches.map((m) => (
              <li key={m.id}>
                <label class="choice">
                  <input
                    type="radio"
                    name={`${id}-match`}
                    value={m.id}
                    checked={selected?.id === m.id}
                    onChange={() => onSelect(m)}
                  />
                  <span>
                    {addressLine(m, language)}
                    {streetNames(m, language).other ? (
                      <span class="muted">
                        {' '}
                        ({streetNames(m, language).other} {m.number})
                      </span>
                    ) : null}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
    </div>
  );
}
