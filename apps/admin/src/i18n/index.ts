import { createI18n } from 'vue-i18n';
import en from './en';
import type { MessageSchema } from './schema';

/**
 * The console's languages. English is in the first load; Swedish is its own chunk, fetched before the
 * app mounts when the browser (or the user's earlier choice) asks for it, or when the switch picks it.
 */
export const LOCALES = ['en', 'sv'] as const;
export type Locale = (typeof LOCALES)[number];

export type { MessageSchema } from './schema';

/** Localized names of the languages, written in their own language (as language switches show them). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', sv: 'Svenska' };

// localStorage, not the session's sessionStorage: a language is a person's preference, not a secret.
const STORAGE_KEY = 'tandem.locale';

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en } as Record<Locale, MessageSchema>,
});

/** The translate function outside components (composables and pure helpers); reactive to the locale. */
export const t = i18n.global.t;

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

/** What `Intl` formats with: British English for English (24-hour, day first), Sweden's Swedish. */
export function intlLocale(locale: Locale = currentLocale()): string {
  return locale === 'sv' ? 'sv-SE' : 'en-GB';
}

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The remembered choice, else the first of the browser's languages the console speaks, else English. */
export function preferredLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // Storage blocked: the browser's languages decide.
  }
  const languages = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

async function loadMessages(locale: Locale): Promise<void> {
  if (i18n.global.availableLocales.includes(locale)) return;
  if (locale === 'sv') i18n.global.setLocaleMessage('sv', (await import('./sv')).default);
}

/** Switches the console's language (loading its messages first) and, when asked, remembers the choice. */
export async function setLocale(locale: Locale, remember = false): Promise<void> {
  await loadMessages(locale);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // Not remembered; the switch still applies to this page.
    }
  }
}
