/**
 * The message: one text per tenant language (each with its live SMS counter), the kind, and send now
 * or at a set time.
 */
import { useState } from 'preact/hooks';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button, Choice, SelectField, TextArea, TextField } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import type { Language } from '../../shared/tenant';
import type { MessageKind } from '../admin-api';
import { SmsCounter } from './SmsCounter';
import { Form } from '../../shared/components/Form';

export interface Outgoing {
  texts: Partial<Record<Language, string>>;
  kind: MessageKind;
  sendAt?: string;
}

interface ComposeFormProps {
  languages: readonly Language[];
  kinds: readonly MessageKind[];
  heading: string;
  templates?: (kind: MessageKind) => Partial<Record<Language, string>>;
  onSend: (message: Outgoing) => Promise<void>;
  /** The tenant's rule on links in SMS (anti-smishing): shown while typing when they are not allowed. */
  allowLinks?: boolean;
}

export function ComposeForm({ languages, kinds, heading, templates, onSend, allowLinks = true }: ComposeFormProps) {
  const t = useT();
  const [kind, setKind] = useState<MessageKind>(kinds[0] ?? 'alert');
  const [texts, setTexts] = useState<Partial<Record<Language, string>>>({});
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [sendAt, setSendAt] = useState('');
  const [done, setDone] = useState<'sent' | 'scheduled' | null>(null);
  const filled = Object.fromEntries(Object.entries(texts).filter(([, v]) => v && v.trim())) as Outgoing['texts'];
  const empty = Object.keys(filled).length === 0;

  const send = useAction(async () => {
    const at = when === 'later' && sendAt ? new Date(sendAt).toISOString() : undefined;
    await onSend({ texts: filled, kind, ...(at ? { sendAt: at } : {}) });
    setDone(at ? 'scheduled' : 'sent');
    setTexts({});
  });

  return (
    <Form
      class="card compose"
      aria-labelledby="compose-heading"
      onSubmit={() => {
        setDone(null);
        if (!empty) void send.run();
      }}
    >
      <h2 id="compose-heading">{heading}</h2>
      {kinds.length > 1 ? (
        <SelectField
          label={t('admin.compose.kind')}
          value={kind}
          onValue={setKind}
          options={kinds.map((k) => ({ value: k, label: t(`admin.compose.kinds.${k}`) }))}
        />
      ) : null}
      {templates ? (
        <Button variant="secondary" small onClick={() => setTexts(templates(kind))}>
          {t('admin.compose.template')}
        </Button>
      ) : null}
      {languages.map((language) => (
        <TextArea
          key={language}
          lang={language}
          label={t('admin.compose.text', { language: t(`common.languageNames.${language}`) })}
          value={texts[language] ?? ''}
          onValue={(value) => setTexts((all) => ({ ...all, [language]: value }))}
          hint={<SmsCounter text={texts[language] ?? ''} allowLinks={allowLinks} />}
          data-language={language}
        />
      ))}
      <Choice
        legend={t('admin.compose.when')}
        name="when"
        value={when}
        onValue={setWhen}
        options={[
          { value: 'now', label: t('admin.compose.now') },
          { value: 'later', label: t('admin.compose.later') },
        ]}
      />
      {when === 'later' ? (
        <TextField
          label={t('admin.compose.sendAt')}
          type="datetime-local"
          value={sendAt}
          onValue={setSendAt}
          required
        />
      ) : null}
      <ErrorAlert error={send.error} />
      {done ? <Alert kind="ok">{t(done === 'sent' ? 'admin.compose.sent' : 'admin.compose.scheduled')}</Alert> : null}
      <Button type="submit" busy={send.busy} disabled={empty || (when === 'later' && !sendAt)}>
        {when === 'now' ? t('admin.compose.send') : t('admin.compose.schedule')}
      </Button>
      {empty ? <p class="muted">{t('admin.compose.needText')}</p> : null}
    </Form>
  );
}
