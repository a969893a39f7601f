/**
 * The ALTCHA proof-of-work widget, self-hosted: the script, its worker and texts come from this server,
 * the challenge from `GET /api/t/{tenant}/captcha`. Loaded only when the login form shows it.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Language } from '../shared/tenant';

interface CaptchaProps {
  challengeUrl: string;
  language: Language;
  onVerified: (payload: string) => void;
  onExpired: () => void;
}

export function Captcha({ challengeUrl, language, onVerified, onExpired }: CaptchaProps) {
  const container = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onVerified, onExpired });
  handlers.current = { onVerified, onExpired };

  useEffect(() => {
    let widget: HTMLElement | null = null;
    let cancelled = false;
    void import('./altcha-widget').then(({ createAltchaWidget }) => {
      if (cancelled || !container.current) return;
      widget = createAltchaWidget({
        challengeUrl,
        language,
        onVerified: (payload) => handlers.current.onVerified(payload),
        onExpired: () => handlers.current.onExpired(),
      });
      container.current.replaceChildren(widget);
    });
    return () => {
      cancelled = true;
      widget?.remove();
    };
  }, [challengeUrl, language]);

  return <div ref={container} class="captcha" />;
}
