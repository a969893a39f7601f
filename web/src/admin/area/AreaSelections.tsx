/** The area by address instead of by drawing: street stretches (numbers from–to, odd/even side) and whole postal codes. */
import { useEffect, useId, useState } from 'preact/hooks';
import { Button, SelectField, TextField } from '../../shared/components/forms';
import { useDebounced } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { StreetSelection } from './area';

/** Street names of the address register that begin with a prefix (both languages' names). */
export type FindStreets = (prefix: string) => Promise<string[]>;

interface AreaSelectionsProps {
  streets: StreetSelection[];
  postalCodes: string[];
  onChange: (change: { streets?: StreetSelection[]; postalCodes?: string[] }) => void;
  disabled?: boolean;
  findStreets?: FindStreets | undefined;
}

/** The register's streets for what is typed (from two characters on); [] when none begins so, null while not asked. */
function useStreetSuggestions(prefix: string, findStreets: FindStreets | undefined): string[] | null {
  const settled = useDebounced(prefix.trim(), 250);
  const [found, setFound] = useState<{ prefix: string; streets: string[] } | null>(null);
  useEffect(() => {
    if (!findStreets || settled.length < 2) return setFound(null);
    let current = true;
    findStreets(settled).then(
      (streets) => current && setFound({ prefix: settled, streets }),
      () => current && setFound(null),
    );
    return () => void (current = false);
  }, [settled, findStreets]);
  return found && found.prefix === prefix.trim() ? found.streets : null;
}

const number = (text: string): number | undefined => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);

interface StreetRowProps {
  value: StreetSelection;
  index: number;
  onChange: (s: StreetSelection) => void;
  onRemove: () => void;
  findStreets?: FindStreets | undefined;
}

function StreetRow({ value, index, onChange, onRemove, findStreets }: StreetRowProps) {
  const t = useT();
  const listId = useId();
  const set = (patch: Partial<StreetSelection>) => onChange({ ...value, ...patch });
  const suggestions = useStreetSuggestions(value.street, findStreets);
  const exact = suggestions?.some((s) => s.toLocaleLowerCase('fi') === value.street.trim().toLocaleLowerCase('fi'));
  return (
    <fieldset class="street-row">
      <legend class="label">{t('admin.area.streetN', { n: index + 1 })}</legend>
      <div class="street-row__fields">
        <TextField
          label={t('admin.area.street')}
          value={value.street}
          onValue={(street) => set({ street })}
          list={listId}
          autoComplete="off"
          hint={
            suggestions && suggestions.length === 0
              ? t('admin.area.noStreet', { prefix: value.street.trim() })
              : undefined
          }
        />
        <datalist id={listId}>{exact ? null : suggestions?.map((s) => <option key={s} value={s} />)}</datalist>
        <TextField
          label={t('admin.area.from')}
          inputMode="numeric"
          value={value.from?.toString() ?? ''}
          onValue={(v) => set({ from: number(v) })}
        />
        <TextField
          label={t('admin.area.to')}
          inputMode="numeric"
          value={value.to?.toString() ?? ''}
          onValue={(v) => set({ to: number(v) })}
        />
        <SelectField
          label={t('admin.area.side')}
          value={value.side ?? 'both'}
          onValue={(side) => set({ side })}
          options={(['both', 'odd', 'even'] as const).map((s) => ({ value: s, label: t(`admin.area.sides.${s}`) }))}
        />
      </div>
      <Button variant="secondary" small onClick={onRemove}>
        {t('common.remove')}
      </Button>
    </fieldset>
  );
}

export function AreaSelections({ streets, postalCodes, onChange, disabled, findStreets }: AreaSelectionsProps) {
  const t = useT();
  // The text as typed; only complete five-digit codes reach the area.
  const [postalText, setPostalText] = useState(postalCodes.join(', '));
  // Open at first when the area is given this way; then as the user leaves it (removing the last street does not close it).
  const [openAtFirst] = useState(streets.length > 0 || postalCodes.length > 0);
  return (
    <details class="area-selections" open={openAtFirst}>
      <summary>{t('admin.area.byAddress')}</summary>
      <fieldset disabled={disabled}>
        <legend class="visually-hidden">{t('admin.area.byAddress')}</legend>
        {streets.map((s, i) => (
          <StreetRow
            key={i}
            index={i}
            value={s}
            onChange={(next) => onChange({ streets: streets.map((old, j) => (j === i ? next : old)) })}
            onRemove={() => onChange({ streets: streets.filter((_, j) => j !== i) })}
            findStreets={findStreets}
          />
        ))}
        <Button
          variant="secondary"
          small
          onClick={() => onChange({ streets: [...streets, { street: '', side: 'both' }] })}
        >
          {t('admin.area.addStreet')}
        </Button>
        <TextField
          label={t('admin.area.postalCodes')}
          hint={t('admin.area.postalCodesHint')}
          value={postalText}
          onValue={(text) => {
            setPostalText(text);
            onChange({ postalCodes: text.split(/[\s,;]+/).filter((p) => /^\d{5}$/.test(p)) });
          }}
          inputMode="numeric"
        />
      </fieldset>
    </details>
  );
}
