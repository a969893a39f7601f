/**
 * The ALTCHA web component from the package's CSP-friendly build: styles from its CSS file, the SHA
 * proof-of-work in a worker file served from this origin (no blob: or inline scripts), fi/sv/en texts.
 */
import 'altcha/external';
import 'altcha/altcha.css';
import 'altcha/i18n/fi';
import 'altcha/i18n/sv';
import ShaWorker from 'altcha/workers/sha?worker';

interface AltchaGlobal {
  algorithms: Map<string, () => Worker>;
}

const altcha = (globalThis as unknown as { $altcha: AltchaGlobal }).$altcha;
for (const algorithm of ['SHA-256', 'SHA-384', 'SHA-512']) altcha.algorithms.set(algorithm, () => new ShaWorker());

interface WidgetOptions {
  challengeUrl: string;
  language: string;
  onVerified: (payload: string) => void;
  onExpired: () => void;
}

export function createAltchaWidget({ challengeUrl, language, onVerified, onExpired }: WidgetOptions): HTMLElement {
  const widget = document.createElement('altcha-widget');
  widget.setAttribute('challenge', challengeUrl);
  widget.setAttribute('language', language);
  widget.setAttribute('name', 'captcha');
  widget.setAttribute('type', 'checkbox');
  widget.setAttribute('configuration', JSON.stringify({ hideLogo: true, hideFooter: true }));
  widget.addEventListener('verified', (event) =>
    onVerified((event as CustomEvent<{ payload: string }>).detail.payload),
  );
  widget.addEventListener('expired', () => onExpired());
  return widget;
}
