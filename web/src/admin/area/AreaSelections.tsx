/** The area by address instead of by drawing: street stretches (numbers from–to, odd/even side) and whole postal codes. */
import { useState } from 'preact/hooks';
import { Button, SelectField, TextField } from '../../shared/components/forms';
import { useT } from '../../shared/i18n';
import type { StreetSelection } from './area';

interface AreaSelectionsProps {
  streets: StreetSelection[];
  postalCodes: string[];
  onChange: (change: { streets?: StreetSelection[]; postalCodes?: string[] }) => void;
  disabled?: boolean;
}

const number = (text: string): number | undefined => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);

function StreetRow({ value, index, onChange, onRemove }: { value: StreetSelection; index: number; onChange: (s: StreetSelection) => void; onRemove: () => void }) {
  const t = useT();
  const set = (patch: Partial<StreetSelection>) => onChange({ ...value, ...patch });
  return (
    <fieldset class="street-row">
      <legend class="label">{t('admin.area.streetN', { n: index + 1 })}</legend>
      <div class="street-row__fields">
        <TextField label={t('admin.area.street')} value={value.street} onValue={(street) => set({ street })} />
        <TextField label={t('admin.area.from')} inputMode="numeric" value={value.from?.toString() ?? ''} onValue={(v) => set({ from: number(v) })} />
        <TextField label={t('admin.area.to')} inputMode="numeric" value={value.to?.toString() ?? ''} onValue={(v) => set({ to: number(v) })} />
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

export function AreaSelections({ streets, postalCodes, onChange, disabled }: AreaSelectionsProps) {
  const t = useT();
  // The text as typed; only complete five-digit codes reach the area.
  const [postalText, setPostalText] = useState(postalCodes.join(', '));
  return (
    <details class="area-selections" open={streets.length > 0 || postalCodes.length > 0}>
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
          />
        ))}
        <Button variant="secondary" small onClick={() => onChange({ streets: [...streets, { street: '', side: 'both' }] })}>
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
