/**
 * The links to give out (portal, public map, embed code), and the tenant settings (name, languages,
 * service area, sender, footer, quiet hours, PIN length, calling unanswered notice calls again, approval,
 * TOTP, household mode, price, retention, branding, tiles and their credit, embed origins). The server
 * validates every field and names the bad one, which the form shows.
 */
import { useEffect, useState } from 'preact/hooks';
import { Alert, ErrorAlert, Loading } from '../../shared/components/feedback';
import { Button, Checkbox, TextArea, TextField } from '../../shared/components/forms';
import { useAction, useLoad } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { ConsoleSession } from '../AdminApp';
import type { SettingsChange, SettingsView } from '../admin-api';
import { Form } from '../../shared/components/Form';

type TextKey =
  | 'name'
  | 'languages'
  | 'serviceArea'
  | 'country'
  | 'smsSender'
  | 'smsFooter'
  | 'quietStart'
  | 'quietEnd'
  | 'pinLength'
  | 'voiceRedials'
  | 'voiceRedialMinutes'
  | 'price'
  | 'brandColor'
  | 'tileUrl'
  | 'tileAttribution'
  | 'embedOrigins'
  | RetentionKey;
/** The retention periods, each a whole number of its unit. */
const RETENTION_KEYS = [
  'retentionMonths',
  'repliesRetentionMonths',
  'inboxRetentionDays',
  'auditRetentionYears',
] as const;
type RetentionKey = (typeof RETENTION_KEYS)[number];
type FlagKey = 'requireApproval' | 'requireTotp' | 'householdMode' | 'listed';
type Form = Record<TextKey, string> & Record<FlagKey, boolean>;

function toForm(settings: SettingsView): Form {
  const quiet = settings.quietHours;
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    name: text(settings.name),
    languages: Array.isArray(settings.languages) ? settings.languages.join(', ') : '',
    serviceArea: settings.serviceArea ? JSON.stringify(settings.serviceArea) : '',
    price: text(settings.pricePerSegmentCents),
    requireApproval: settings.requireApproval === true,
    requireTotp: settings.requireTotp === true,
    householdMode: settings.householdMode === true,
    country: text(settings.country),
    listed: settings.listed !== false,
    smsSender: text(settings.smsSender),
    smsFooter: text(settings.smsFooter),
    quietStart: quiet?.start ?? '',
    quietEnd: quiet?.end ?? '',
    pinLength: text(settings.pinLength),
    voiceRedials: text(settings.voiceRedials),
    voiceRedialMinutes: text(settings.voiceRedialMinutes),
    brandColor: text(settings.brandColor),
    tileUrl: text(settings.tileUrl),
    tileAttribution: text(settings.tileAttribution),
    embedOrigins: Array.isArray(settings.embedOrigins) ? settings.embedOrigins.join('\n') : '',
    ...(Object.fromEntries(RETENTION_KEYS.map((k) => [k, text(settings[k])])) as Record<RetentionKey, string>),
  };
}

/** The service area as typed: JSON when it parses, else the text itself, so that the server names the field. */
function areaOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function fromForm(form: Form): SettingsChange {
  return {
    name: form.name.trim(),
    languages: form.languages.split(/[\s,]+/).filter(Boolean),
    serviceArea: areaOf(form.serviceArea),
    pricePerSegmentCents: Number(form.price),
    requireApproval: form.requireApproval,
    requireTotp: form.requireTotp,
    householdMode: form.householdMode,
    country: form.country.trim().toUpperCase() || null,
    listed: form.listed,
    smsSender: form.smsSender.trim(),
    smsFooter: form.smsFooter,
    quietHours:
      form.quietStart && form.quietEnd
        ? { start: form.quietStart, end: form.quietEnd, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }
        : null,
    pinLength: Number(form.pinLength),
    voiceRedials: Number(form.voiceRedials),
    voiceRedialMinutes: Number(form.voiceRedialMinutes),
    brandColor: form.brandColor,
    tileUrl: form.tileUrl.trim() || null,
    tileAttribution: form.tileAttribution.trim() || null,
    embedOrigins: form.embedOrigins.split(/\s+/).filter(Boolean),
    ...Object.fromEntries(RETENTION_KEYS.map((k) => [k, Number(form[k])])),
  };
}

function Links({ slug }: { slug: string }) {
  const t = useT();
  const base = location.origin;
  const embed = `<iframe src="${base}/t/${slug}/embed" title="Aviso" width="100%" height="720" style="border:0"></iframe>`;
  return (
    <section class="card" aria-labelledby="links-heading">
      <h2 id="links-heading">{t('admin.settings.portalLink')}</h2>
      <p>
        <a href={`/t/${slug}`}>{`${base}/t/${slug}`}</a>
      </p>
      <p>
        {t('admin.settings.mapLink')}: <a href={`/t/${slug}/map`}>{`${base}/t/${slug}/map`}</a>
      </p>
      <TextArea label={t('admin.settings.embedCode')} value={embed} onValue={() => undefined} readOnly />
    </section>
  );
}

export function SettingsPage({ session }: { session: ConsoleSession }) {
  const t = useT();
  const loaded = useLoad(() => session.admin.settings(), [session.admin]);
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState(false);
  // The country national numbers are read in now: the setting, or the service area's.
  const [countryInEffect, setCountryInEffect] = useState('');
  const show = (settings: SettingsView) => {
    setForm(toForm(settings));
    setCountryInEffect(String(settings.countryInEffect ?? ''));
  };
  useEffect(() => {
    if (loaded.data) show(loaded.data);
  }, [loaded.data]);
  const save = useAction(async () => {
    if (!form) return;
    show(await session.admin.updateSettings(fromForm(form)));
    setSaved(true);
  });
  const set = (key: TextKey) => (value: string) => setForm((f) => (f ? { ...f, [key]: value } : f));
  const flag = (key: FlagKey) => (value: boolean) => setForm((f) => (f ? { ...f, [key]: value } : f));

  return (
    <section aria-labelledby="settings-heading">
      <h1 id="settings-heading">{t('admin.settings.heading')}</h1>
      <Links slug={session.tenant.slug} />
      {loaded.loading && !loaded.data ? <Loading /> : null}
      <ErrorAlert error={loaded.error} />
      {form ? (
        <Form
          class="card"
          onSubmit={() => {
            setSaved(false);
            void save.run();
          }}
        >
          <TextField label={t('admin.settings.name')} value={form.name} onValue={set('name')} maxLength={200} />
          <TextField
            label={t('admin.settings.languages')}
            hint={t('admin.settings.languagesHint')}
            value={form.languages}
            onValue={set('languages')}
          />
          <TextArea
            label={t('admin.settings.serviceArea')}
            hint={t('admin.settings.serviceAreaHint')}
            value={form.serviceArea}
            onValue={set('serviceArea')}
          />
          <TextField
            label={t('admin.settings.country')}
            hint={t('admin.settings.countryHint', { country: countryInEffect })}
            value={form.country}
            onValue={set('country')}
            maxLength={2}
          />
          <TextField
            label={t('admin.settings.sender')}
            hint={t('admin.settings.senderHint')}
            value={form.smsSender}
            onValue={set('smsSender')}
            maxLength={11}
          />
          <TextArea label={t('admin.settings.footer')} value={form.smsFooter} onValue={set('smsFooter')} />
          <fieldset>
            <legend class="label">{t('admin.settings.quietHours')}</legend>
            <div class="grid-2">
              <TextField
                label={t('admin.settings.quietStart')}
                type="text"
                placeholder="21:00"
                value={form.quietStart}
                onValue={set('quietStart')}
              />
              <TextField
                label={t('admin.settings.quietEnd')}
                type="text"
                placeholder="07:00"
                value={form.quietEnd}
                onValue={set('quietEnd')}
              />
            </div>
          </fieldset>
          <TextField
            label={t('admin.settings.pinLength')}
            type="number"
            min="4"
            max="8"
            value={form.pinLength}
            onValue={set('pinLength')}
          />
          <div class="grid-2">
            <TextField
              label={t('admin.settings.voiceRedials')}
              hint={t('admin.settings.voiceRedialsHint')}
              type="number"
              min="0"
              max="5"
              value={form.voiceRedials}
              onValue={set('voiceRedials')}
            />
            <TextField
              label={t('admin.settings.voiceRedialMinutes')}
              type="number"
              min="1"
              max="180"
              value={form.voiceRedialMinutes}
              onValue={set('voiceRedialMinutes')}
            />
          </div>
          <TextField label={t('admin.settings.price')} value={form.price} onValue={set('price')} />
          <fieldset>
            <legend class="label">{t('admin.settings.retention')}</legend>
            <div class="grid-2">
              {RETENTION_KEYS.map((key) => (
                <TextField
                  key={key}
                  label={t(`admin.settings.${key}`)}
                  type="number"
                  min="1"
                  value={form[key]}
                  onValue={set(key)}
                />
              ))}
            </div>
          </fieldset>
          <Checkbox
            label={t('admin.settings.requireApproval')}
            checked={form.requireApproval}
            onChange={flag('requireApproval')}
          />
          <Checkbox label={t('admin.settings.requireTotp')} checked={form.requireTotp} onChange={flag('requireTotp')} />
          <Checkbox
            label={t('admin.settings.householdMode')}
            checked={form.householdMode}
            onChange={flag('householdMode')}
          />
          <Checkbox label={t('admin.settings.listed')} checked={form.listed} onChange={flag('listed')} />
          <TextField
            label={t('admin.settings.brandColor')}
            type="color"
            value={form.brandColor || '#005a8c'}
            onValue={set('brandColor')}
          />
          <TextField
            label={t('admin.settings.tileUrl')}
            hint={t('admin.settings.tileUrlHint')}
            type="url"
            value={form.tileUrl}
            onValue={set('tileUrl')}
          />
          <TextField
            label={t('admin.settings.tileAttribution')}
            hint={t('admin.settings.tileAttributionHint')}
            value={form.tileAttribution}
            onValue={set('tileAttribution')}
          />
          <TextArea label={t('admin.settings.embedOrigins')} value={form.embedOrigins} onValue={set('embedOrigins')} />
          <ErrorAlert error={save.error} />
          {saved ? <Alert kind="ok">{t('admin.settings.saved')}</Alert> : null}
          <Button type="submit" busy={save.busy}>
            {t('common.save')}
          </Button>
        </Form>
      ) : null}
    </section>
  );
}
