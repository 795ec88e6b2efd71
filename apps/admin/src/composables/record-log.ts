import { t } from '../i18n';
import { formatValue } from './labels';

export type Side = 'LOCAL' | 'INTEGRATION';

/** The record sync log page's lookup, all of it in the URL (`/log?mapping=…&side=…&record=…`). */
export interface LogLookup {
  mappingId: string | null;
  side: Side;
  recordId: string;
}

type QueryValue = string | null | (string | null)[] | undefined;

function single(value: QueryValue): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first == null || first === '' ? null : first;
}

export function lookupFromQuery(query: Record<string, QueryValue>): LogLookup {
  return {
    mappingId: single(query.mapping),
    side: single(query.side) === 'INTEGRATION' ? 'INTEGRATION' : 'LOCAL',
    recordId: single(query.record)?.trim() ?? '',
  };
}

export function queryFromLookup(lookup: LogLookup): Record<string, string> {
  const query: Record<string, string> = {};
  if (lookup.mappingId) query.mapping = lookup.mappingId;
  query.side = lookup.side;
  if (lookup.recordId.trim()) query.record = lookup.recordId.trim();
  return query;
}

/** Enough to ask the API: a mapping and a record id. */
export function isComplete(lookup: LogLookup): lookup is LogLookup & { mappingId: string } {
  return lookup.mappingId !== null && lookup.recordId.trim() !== '';
}

export type LogAction =
  | 'CONFLICT'
  | 'COUPLE'
  | 'DELETE'
  | 'DELETED'
  | 'FAILED'
  | 'INSERT'
  | 'RESTORE'
  | 'RETRY'
  | 'UNCHANGED'
  | 'UNCOUPLE'
  | 'UPDATE';

export interface LogEntry {
  id: string;
  action: LogAction;
  actor: string;
  direction: string | null;
  message: string | null;
  occurredAt: string;
  localId: string | null;
  integrationId: string | null;
  job: { id: string } | null;
  changes: readonly { field: string; side: string; before: string | null; after: string | null }[];
}

type TimelineType = 'default' | 'info' | 'success' | 'warning' | 'error';

const ACTION_TYPES: Record<LogAction, TimelineType> = {
  INSERT: 'success',
  UPDATE: 'info',
  UNCHANGED: 'default',
  COUPLE: 'success',
  UNCOUPLE: 'warning',
  CONFLICT: 'warning',
  FAILED: 'error',
  DELETE: 'warning',
  DELETED: 'warning',
  RESTORE: 'success',
  RETRY: 'info',
};

/** Each log action's words (in the console's language, `log.actions`) and its timeline colour. */
export const LOG_ACTIONS = Object.fromEntries(
  (Object.keys(ACTION_TYPES) as LogAction[]).map((action) => [
    action,
    {
      get label() {
        return t(`log.actions.${action}`);
      },
      type: ACTION_TYPES[action],
    },
  ]),
) as Record<LogAction, { readonly label: string; type: TimelineType }>;

/** A mapping's direction in words ("local → integration"). */
export const DIRECTIONS: Record<string, string> = new Proxy({} as Record<string, string>, {
  get: (_target, direction) =>
    typeof direction === 'string' && ['TO_INTEGRATION', 'FROM_INTEGRATION', 'BIDIRECTIONAL'].includes(direction)
      ? t(`log.directions.${direction as 'TO_INTEGRATION'}`)
      : undefined,
});

export interface TimelineChange {
  field: string;
  side: string;
  before: string;
  after: string;
}

export interface TimelineItem {
  id: string;
  title: string;
  type: TimelineType;
  occurredAt: string;
  /** "by job 12 · local → integration", "by ops-key". */
  byline: string;
  message: string | null;
  jobId: string | null;
  changes: TimelineChange[];
}

/** A FieldChange's before/after is JSON text: shown as the value it holds ("—" when there was none). */
export function changeValue(text: string | null): string {
  if (text === null) return '—';
  try {
    return formatValue(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The log as a timeline, newest first (the API's order; re-sorted so merged pages stay in order). */
export function timelineItems(entries: readonly LogEntry[]): TimelineItem[] {
  return [...entries]
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || Number(b.id > a.id) - Number(b.id < a.id))
    .map((entry) => {
      const action = LOG_ACTIONS[entry.action] ?? { label: entry.action, type: 'default' as const };
      const by = entry.actor === 'job' ? t('log.byJob') : t('log.byActor', { actor: entry.actor });
      const direction = entry.direction ? (DIRECTIONS[entry.direction] ?? entry.direction) : null;
      return {
        id: entry.id,
        title: action.label,
        type: action.type,
        occurredAt: entry.occurredAt,
        byline: direction ? `${by} · ${direction}` : by,
        message: entry.message,
        jobId: entry.job?.id ?? null,
        changes: entry.changes.map((change) => ({
          field: change.field,
          side: t(change.side === 'INTEGRATION' ? 'log.integration' : 'log.local'),
          before: changeValue(change.before),
          after: changeValue(change.after),
        })),
      };
    });
}
