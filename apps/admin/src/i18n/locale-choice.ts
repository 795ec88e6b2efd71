// Which language a visit starts in, and how `Intl` writes it. Apart from index.ts (vue-i18n and the
// messages), so that the errors page's first paint (src/first-paint) picks the same language and formats
// without bundling either.

/** The console's languages. */
export const LOCALES = ['en', 'sv'] as const;
export type Locale = (typeof LOCALES)[number];

// localStorage, not the session's sessionStorage: a language is a person's preference, not a secret.
export const LOCALE_STORAGE_KEY = 'tandem.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The remembered choice, else the first of the browser's languages the console speaks, else English. */
export function preferredLocale(): Locale {
  try {
    const stored = localStorage.getItem(LOCALE_STORAGE_KEY);
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

/** What `Intl` formats with: British English for English (24-hour, day first), Sweden's Swedish. */
export function intlLocaleOf(locale: Locale): string {
  return locale === 'sv' ? 'sv-SE' : 'en-GB';
}

/** A short local date-time for tables: "26 Nov, 14:03:07" ("26 nov. 14:03:07" in Swedish). */
export const TABLE_TIME_FORMAT: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
};
