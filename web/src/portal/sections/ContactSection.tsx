/** Who I am in the register: name (or hidden), private person or company, source, language. */
import { useEffect, useState } from 'preact/hooks';
import { ErrorAlert } from '../../shared/components/feedback';
import { Checkbox, SelectField } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { currentLanguage, useT } from '../../shared/i18n';
import { formatIsoDate } from '../../shared/dates';
import type { Language } from '../../shared/tenant';
import type { Contact, Me, PortalApi } from '../portal-api';
import { SourceBadge } from './SourceBadge';

interface ContactSectionProps {
  portal: PortalApi;
  me: Me;
  contact: Contact;
  languages: readonly Language[];
  reload: () => Promise<void>;
}

export function displayName(contact: Contact): string {
  if (contact.kind === 'company') return [contact.companyName, contact.contactPerson].filter(Boolean).join(' – ');
  return [contact.firstName, contact.lastName].filter(Boolean).join(' ');
}

export function ContactSection({ portal, me, contact, languages, reload }: ContactSectionProps) {
  const t = useT();
  const [saved, setSaved] = useState(false);
  // The controls show the choice at once; the server's answer (reload) confirms or restores it.
  const [choice, setChoice] = useState({
    nameHidden: contact.nameHidden,
    language: contact.language ?? languages[0] ?? 'fi',
  });
  useEffect(
    () => setChoice({ nameHidden: contact.nameHidden, language: contact.language ?? languages[0] ?? 'fi' }),
    [contact.nameHidden, contact.language],
  );
  const update = useAction(async (change: { nameHidden?: boolean; language?: Language }) => {
    setChoice((c) => ({ ...c, ...change }));
    setSaved(false);
    try {
      await portal.updateContact(change);
      setSaved(true);
    } finally {
      await reload();
    }
  });

  return (
    <section class="card" aria-labelledby="me-heading">
      <h2 id="me-heading">{t('portal.me.heading')}</h2>
      <p class="contact-name">
        <strong>{displayName(contact) || '—'}</strong>
        {contact.nameHidden ? <span class="badge">{t('portal.me.hiddenName')}</span> : null}
      </p>
      {contact.kind === 'person' && contact.birthDate ? (
        <p class="contact-birth-date">
          {t('portal.register.birthDate')}: {formatIsoDate(contact.birthDate, currentLanguage())}
        </p>
      ) : null}
      <p>
        {t(contact.kind === 'company' ? 'portal.me.company' : 'portal.me.person')} · {t('portal.me.source')}:{' '}
        <SourceBadge source={contact.source} />
      </p>
      {me.known ? <p class="muted">{t('portal.me.knownBefore')}</p> : null}
      <Checkbox
        label={t('portal.me.hideName')}
        checked={choice.nameHidden}
        onChange={(nameHidden) => void update.run({ nameHidden })}
      />
      {languages.length > 1 ? (
        <SelectField
          label={t('portal.register.language')}
          value={choice.language}
          onValue={(language) => void update.run({ language })}
          options={languages.map((l) => ({ value: l, label: t(`common.languageNames.${l}`) }))}
        />
      ) : null}
      <ErrorAlert error={update.error} />
      <p role="status" class="muted">
        {saved && !update.busy && !update.error ? t('portal.me.saved') : ''}
      </p>
    </section>
  );
}
