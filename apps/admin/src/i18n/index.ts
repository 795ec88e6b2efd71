import { createI18n } from 'vue-i18n';
import en from './en';
import { intlLocaleOf, LOCALE_STORAGE_KEY, type Locale } from './locale-choice';
import type { MessageSchema } from './schema';

/**
 * English is in the first load; Swedish is its own chunk, fetched before the app mounts when the browser
 * (or the user's earlier choice) asks for it, or when the switch picks it.
 */
export { LOCALES, type Locale, preferredLocale } from './locale-choice';
export type { MessageSchema } from './schema';

/** Localized names of the languages, written in their own language (as language switches show them). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', sv: 'Svenska' };

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
  return intlLocaleOf(locale);
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
      localStorage.setItem(LOCALE_STORAGE_KEY, locale);
    } catch {
      // Not remembered; the switch still applies to this page.
    }
  }
}
