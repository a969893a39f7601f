/** A button that asks "are you sure?" in place (no browser dialog), focusing the confirmation. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n';
import { Button } from './forms';

interface ConfirmButtonProps {
  children: ComponentChildren;
  question: string;
  onConfirm: () => void | Promise<unknown>;
  busy?: boolean;
  variant?: 'secondary' | 'danger';
}

export function ConfirmButton({ children, question, onConfirm, busy, variant = 'secondary' }: ConfirmButtonProps) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <Button variant={variant} small onClick={() => setAsking(true)} busy={busy}>
        {children}
      </Button>
    );
  }
  return (
    <div class="confirm" role="group" aria-label={question} ref={confirmRef}>
      <p class="confirm__question">{question}</p>
      <div class="row">
        <Button
          variant="danger"
          small
          onClick={() => {
            setAsking(false);
            void onConfirm();
          }}
        >
          {t('common.yes')}
        </Button>
        <Button variant="secondary" small onClick={() => setAsking(false)}>
          {t('common.cancel')}
        </Button>
      </div>
    </div>
  );
}
