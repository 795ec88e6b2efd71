import { intlLocale, t } from '../i18n';

/** The outcomes chart's windows: how far back, and how wide one bar is (names: `dashboard.windows`). */
export const OUTCOME_WINDOWS = {
  '1h': { hours: 1, bucketMinutes: 5 },
  '24h': { hours: 24, bucketMinutes: 60 },
  '7d': { hours: 168, bucketMinutes: 360 },
} as const;
export type OutcomeWindow = keyof typeof OUTCOME_WINDOWS;

export function outcomeWindowFromQuery(value: unknown): OutcomeWindow {
  return typeof value === 'string' && value in OUTCOME_WINDOWS ? (value as OutcomeWindow) : '24h';
}

export interface OutcomeBucket {
  start: string;
  end: string;
  succeeded: number;
  partial: number;
  failed: number;
  cancelled: number;
}

/** The stacked series, in the order they pile up (good news at the bottom) and with the status colours. */
export const OUTCOME_SERIES = [
  { key: 'succeeded', status: 'SUCCEEDED', color: '#16a34a' },
  { key: 'partial', status: 'PARTIAL', color: '#f59e0b' },
  { key: 'failed', status: 'FAILED', color: '#dc2626' },
  { key: 'cancelled', status: 'CANCELLED', color: '#9ca3af' },
] as const satisfies readonly { key: keyof OutcomeBucket; status: string; color: string }[];

/** A series' name in the console's language (the job status it counts). */
export function seriesName(series: (typeof OUTCOME_SERIES)[number]): string {
  return t(`jobStatus.${series.status}`);
}

/** An axis label for a bucket: its time of day, with the date where a window spans days. */
export function bucketLabel(startIso: string, window: OutcomeWindow): string {
  const start = new Date(startIso);
  const time = start.toLocaleTimeString(intlLocale(), { hour: '2-digit', minute: '2-digit' });
  if (window !== '7d') return time;
  return `${start.toLocaleDateString(intlLocale(), { day: 'numeric', month: 'short' })} ${time}`;
}

export function totalFinished(buckets: readonly OutcomeBucket[]): number {
  return buckets.reduce((sum, b) => sum + b.succeeded + b.partial + b.failed + b.cancelled, 0);
}
