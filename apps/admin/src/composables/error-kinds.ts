import type { SyncErrorsQuery } from '../graphql/sync-errors';
import type { ResultOf } from '../graphql/tada';

// Apart from labels.ts, which translates them: this module imports nothing at run time, so the errors
// page's first paint (src/first-paint) can read a URL's kinds without bundling vue-i18n.

type ErrorNode = ResultOf<typeof SyncErrorsQuery>['syncErrors']['edges'][number]['node'];
export type SyncErrorKind = ErrorNode['kind'];
export type SyncErrorStatus = ErrorNode['status'];
export type TriageAction = ErrorNode['applicableActions'][number];

/** Every kind, in the order the console lists them; `satisfies` ties the list to the schema's enum. */
export const SYNC_ERROR_KINDS = [
  'UPDATE_CONFLICT',
  'WRITE_FAILED',
  'LOCAL_RECORD_DELETED',
  'INTEGRATION_RECORD_DELETED',
] as const satisfies readonly SyncErrorKind[];

/** The colour of a kind's tag in lists (error-table.css has the tones). */
export const KIND_TONES: Record<SyncErrorKind, 'warning' | 'error' | 'info'> = {
  UPDATE_CONFLICT: 'warning',
  WRITE_FAILED: 'error',
  LOCAL_RECORD_DELETED: 'info',
  INTEGRATION_RECORD_DELETED: 'info',
};
