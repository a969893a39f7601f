/** Status messages: errors are announced (role=alert), confirmations politely (role=status). */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { useT } from '../i18n';

export function Alert({ kind, children }: { kind: 'error' | 'ok' | 'info' | 'warn'; children: ComponentChildren }) {
  return (
    <div class={`alert alert--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** A 4xx problem in the page's language, by its code; a generic text for anything else (5xx details stay in the log). */
export function errorMessage(error: unknown, fallback: string): string {
  if (error instanceof ApiError && error.status < 500) return error.text();
  return fallback;
}

export function ErrorAlert({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  return <Alert kind="error">{errorMessage(error, t('common.error'))}</Alert>;
}

export function Loading() {
  const t = useT();
  return (
    <p class="muted" role="status">
      {t('common.loading')}
    </p>
  );
}
