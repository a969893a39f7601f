/** Registration into the supplementary register: a private person or a company contact. */
import { useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { ErrorAlert } from '../shared/components/feedback';
import { Button, Choice, SelectField, TextField } from '../shared/components/forms';
import { useAction } from '../shared/hooks';
import { currentLanguage, useT } from '../shared/i18n';
import type { Language } from '../shared/tenant';
import type { ContactKind, Me, PortalApi, SignUpInput } from './portal-api';
import { Form } from '../shared/components/Form';
import { isoDateFromInput } from '../shared/dates';

interface RegisterFormProps {
  portal: PortalApi;
  languages: readonly Language[];
  initialKind: ContactKind;
  onRegistered: (me: Me) => void;
}

export function RegisterForm({ portal, languages, initialKind, onRegistered }: RegisterFormProps) {
  const t = useT();
  const [kind, setKind] = useState<ContactKind>(initialKind);
  const [fields, setFields] = useState({
    firstName: '',
    lastName: '',
    birthDate: '',
    companyName: '',
    businessId: '',
    contactPerson: '',
  });
  const [language, setLanguage] = useState<Language>(
    languages.includes(currentLanguage()) ? currentLanguage() : (languages[0] ?? 'fi'),
  );
  const set = (name: keyof typeof fields) => (value: string) => setFields((f) => ({ ...f, [name]: value }));

  const register = useAction(async () => {
    const body: SignUpInput =
      kind === 'person'
        ? {
            kind,
            firstName: fields.firstName.trim(),
            lastName: fields.lastName.trim(),
            language,
            ...(fields.birthDate.trim() ? { birthDate: isoDateFromInput(fields.birthDate) } : {}),
          }
        : {
            kind,
            companyName: fields.companyName.trim(),
            businessId: fields.businessId.trim(),
            contactPerson: fields.contactPerson.trim(),
            language,
          };
    onRegistered(await portal.register(body));
  });
  const error = (field: string) =>
    register.error instanceof ApiError ? register.error.fieldMessage(field) : undefined;

  return (
    <Form class="card" aria-labelledby="register-heading" onSubmit={() => void register.run()}>
      <h2 id="register-heading">{t('portal.register.heading')}</h2>
      <p>{t('portal.register.unknown')}</p>
      <Choice
        legend={t('portal.login.who')}
        name="register-kind"
        value={kind}
        onValue={setKind}
        options={[
          { value: 'person', label: t('portal.login.person') },
          { value: 'company', label: t('portal.login.company') },
        ]}
      />
      {kind === 'person' ? (
        <div class="grid-2">
          <TextField
            label={t('portal.register.firstName')}
            value={fields.firstName}
            onValue={set('firstName')}
            autoComplete="given-name"
            error={error('firstName')}
            required
          />
          <TextField
            label={t('portal.register.lastName')}
            value={fields.lastName}
            onValue={set('lastName')}
            autoComplete="family-name"
            error={error('lastName')}
            required
          />
          <TextField
            label={t('portal.register.birthDate')}
            hint={t('portal.register.birthDateHint')}
            value={fields.birthDate}
            onValue={set('birthDate')}
            inputMode="text"
            autoComplete="bday"
            maxLength={10}
            error={error('birthDate')}
          />
        </div>
      ) : (
        <div class="grid-2">
          <TextField
            label={t('portal.register.companyName')}
            value={fields.companyName}
            onValue={set('companyName')}
            autoComplete="organization"
            error={error('companyName')}
            required
          />
          <TextField
            label={t('portal.register.businessId')}
            hint={t('portal.register.businessIdHint')}
            value={fields.businessId}
            onValue={set('businessId')}
            error={error('businessId')}
            required
          />
          <TextField
            label={t('portal.register.contactPerson')}
            value={fields.contactPerson}
            onValue={set('contactPerson')}
            autoComplete="name"
            error={error('contactPerson')}
            required
          />
        </div>
      )}
      <SelectField
        label={t('portal.register.language')}
        value={language}
        onValue={setLanguage}
        options={languages.map((l) => ({ value: l, label: t(`common.languageNames.${l}`) }))}
      />
      {register.error instanceof ApiError && register.error.fields.length > 0 ? null : (
        <ErrorAlert error={register.error} />
      )}
      <Button type="submit" busy={register.busy}>
        {t('portal.register.submit')}
      </Button>
    </Form>
  );
}
