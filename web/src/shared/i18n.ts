/**
 * Texts in Finnish, Swedish and English (i18next). The language is, among those the page offers: the
 * one the user picked last (remembered in localStorage), else `?lang=` of the link, else the first of
 * the browser's languages, else the page's (the tenant's) first language. `useT()` re-renders on a switch.
 */
import i18next, { type TFunction } from 'i18next';
import { useEffect, useState } from 'preact/hooks';
import { en } from '../locales/en';
import { fi } from '../locales/fi';
import { sv } from '../locales/sv';
import { LANGUAGES, type Language } from './tenant';

const STORAGE_KEY = 'aviso.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

export interface LanguageHints {
  /** The user's own choice, remembered. */
  remembered: string | null;
  /** `?lang=` of the page's address. */
  query: string | null;
  /** The browser's languages, most wanted first (`navigator.languages`: `sv-SE`, `en-US`, …). */
  browser: readonly string[];
}

/** The language of a tag (`sv-SE` → `sv`), if it is one of ours. */
function languageOf(tag: string | null | undefined): Language | null {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : null;
}

/** The first of remembered choice, `?lang=`, the browser's languages that the page offers; else its first language. */
export function pickLanguage(offered: readonly Language[], hints: LanguageHints = pageHints()): Language {
  for (const tag of [hints.remembered, hints.query, ...hints.browser]) {
    const language = languageOf(tag);
    if (language && offered.includes(language)) return language;
  }
  return offered[0] ?? 'fi';
}

function pageHints(): LanguageHints {
  return {
    remembered: storedLanguage(),
    query: new URLSearchParams(location.search).get('lang'),
    browser: navigator.languages?.length ? navigator.languages : [navigator.language],
  };
}

export async function initI18n(offered: readonly Language[]): Promise<void> {
  const lng = pickLanguage(offered);
  await i18next.init({
    lng,
    fallbackLng: offered[0] ?? 'fi',
    supportedLngs: [...LANGUAGES],
    resources: { fi: { translation: fi }, sv: { translation: sv }, en: { translation: en } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = lng;
}

export async function changeLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export function currentLanguage(): Language {
  const lng = i18next.resolvedLanguage ?? i18next.language;
  return isLanguage(lng) ? lng : 'fi';
}

/** The translate function; the component re-renders when the language changes. */
export function useT(): TFunction {
  const [, setLanguage] = useState(i18next.language);
  useEffect(() => {
    const onChange = (lng: string) => setLanguage(lng);
    i18next.on('languageChanged', onChange);
    return () => i18next.off('languageChanged', onChange);
  }, []);
  return i18next.t;
}

/** Locale-aware date and time, e.g. "12.5.2025 klo 14.30" in Finnish. */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'short', timeStyle: 'short' }).format(date);
}
