import { i18n, intlLocale, type MessageSchema, t } from '../i18n';
import { TABLE_TIME_FORMAT } from '../i18n/locale-choice';
import type { SyncErrorKind, SyncErrorStatus } from './error-kinds';

export { SYNC_ERROR_KINDS, type SyncErrorKind, type SyncErrorStatus, type TriageAction } from './error-kinds';

/** The kind's name in the console's language (the message files hold one per kind). */
export function kindLabel(kind: SyncErrorKind): string {
  return t(`kinds.${kind}`);
}

/** An error's status (OPEN, RESOLVED) as words. */
export function errorStatusLabel(status: SyncErrorStatus): string {
  return t(`errorStatus.${status}`);
}

/** A job's status as words; a status the console does not know yet is shown as the API spells it. */
export function jobStatusLabel(status: string): string {
  const key = `jobStatus.${status}`;
  return i18n.global.te(key, 'en') ? t(key) : status;
}

/** A job's trigger (SCHEDULE, MANUAL, RETRY) as words; one the console does not know is shown as it is. */
export function triggerLabel(trigger: string): string {
  const key = `jobs.triggers.${trigger}`;
  return i18n.global.te(key, 'en') ? t(key) : trigger;
}

/** The nouns countOf counts, each a "one | other" message in the `count` section. */
export type CountNoun = keyof MessageSchema['count'];

/** "1 record", "1,234 records" ("1 234 poster" in Swedish): the number through `Intl`, the noun by count. */
export function countOf(count: number, noun: CountNoun): string {
  return t(`count.${noun}`, { n: formatNumber(count) }, count);
}

// Intl formatters are costly to create (locale data is looked up each time) and cheap to reuse: one per
// locale, made on first use. A 50-row page formats ~100 values.
const numberFormats = new Map<string, Intl.NumberFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatNumber(value: number): string {
  const locale = intlLocale();
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format.format(value);
}

/** A short local date-time for tables: "26 Nov, 14:03:07" ("26 nov. 14:03:07" in Swedish). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const locale = intlLocale();
  let format = timeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, TABLE_TIME_FORMAT);
    timeFormats.set(locale, format);
  }
  return format.format(new Date(iso));
}

/** A record value for a table cell: strings as they are, anything else as JSON; "—" for no value. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
