import type { SyncErrorsQuery } from '../graphql/sync-errors';
import type { ResultOf } from '../graphql/tada';

type ErrorNode = ResultOf<typeof SyncErrorsQuery>['syncErrors']['edges'][number]['node'];
export type SyncErrorKind = ErrorNode['kind'];
export type SyncErrorStatus = ErrorNode['status'];
export type TriageAction = ErrorNode['actions'][number];

/** Every kind, in the order the console lists them; `satisfies` ties the list to the schema's enum. */
export const SYNC_ERROR_KINDS = [
  'UPDATE_CONFLICT',
  'WRITE_FAILED',
  'LOCAL_RECORD_DELETED',
  'INTEGRATION_RECORD_DELETED',
] as const satisfies readonly SyncErrorKind[];

const KIND_LABELS: Record<SyncErrorKind, string> = {
  UPDATE_CONFLICT: 'Update conflict',
  WRITE_FAILED: 'Write failed',
  LOCAL_RECORD_DELETED: 'Deleted locally',
  INTEGRATION_RECORD_DELETED: 'Deleted in integration',
};

export function kindLabel(kind: SyncErrorKind): string {
  return KIND_LABELS[kind];
}

const numberFormat = new Intl.NumberFormat('en');

/** "1 record", "1,234 records". */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${numberFormat.format(count)} ${count === 1 ? noun : plural}`;
}

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/** A short local date-time for tables: "26 Nov, 14:03:07". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A record value for a table cell: strings as they are, anything else as JSON; "—" for no value. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
