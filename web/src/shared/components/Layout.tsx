/** The page frame every area shares: skip link, header with title and language switch, main, footer. */
import type { ComponentChildren } from 'preact';
import { changeLanguage, currentLanguage, useT } from '../i18n';
import type { Language } from '../tenant';

export function LanguageSwitcher({ languages }: { languages: readonly Language[] }) {
  const t = useT();
  if (languages.length < 2) return null;
  return (
    <div class="language-switcher">
      <label for="language-select" class="visually-hidden">
        {t('common.language')}
      </label>
      <select
        id="language-select"
        value={currentLanguage()}
        onChange={(e) => void changeLanguage(e.currentTarget.value as Language)}
      >
        {languages.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`common.languageNames.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

interface LayoutProps {
  title: string;
  homeHref?: string;
  logoUrl?: string | null;
  languages: readonly Language[];
  nav?: ComponentChildren;
  footer?: ComponentChildren;
  children: ComponentChildren;
}

export function Layout({ title, homeHref, logoUrl, languages, nav, footer, children }: LayoutProps) {
  const t = useT();
  return (
    <>
      <a class="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <header class="site-header">
        <div class="site-header__inner">
          {logoUrl ? <img class="site-header__logo" src={logoUrl} alt="" /> : null}
          {homeHref ? (
            <a class="site-header__title" href={homeHref}>
              {title}
            </a>
          ) : (
            <p class="site-header__title">{title}</p>
          )}
          {nav ? <nav class="site-nav">{nav}</nav> : null}
          <LanguageSwitcher languages={languages} />
        </div>
      </header>
      <main id="main" class="site-main" tabIndex={-1}>
        {children}
      </main>
      <footer class="site-footer">{footer ?? t('common.poweredBy')}</footer>
    </>
  );
}
