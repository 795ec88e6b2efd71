import { formatTime } from './labels';
import { DIRECTIONS, LOG_ACTIONS, type LogAction } from './record-log';

/** A job's log entry as the job page's table shows it. */
export interface JobLogEntry {
  id: string;
  action: LogAction;
  direction: string | null;
  message: string | null;
  occurredAt: string;
  localId: string | null;
  integrationId: string | null;
  changes: readonly { field: string; side: string }[];
}

export interface JobLogRow {
  id: string;
  time: string;
  action: LogAction;
  actionLabel: string;
  tagType: 'default' | 'info' | 'success' | 'warning' | 'error';
  localId: string | null;
  integrationId: string | null;
  direction: string;
  /** "name, email → CRM · city → ERP": which fields were written on which side. */
  changed: string;
  message: string;
}

const SIDE_NAMES: Record<string, string> = { LOCAL: 'local', INTEGRATION: 'integration' };

/** The fields written, grouped by the side written, in the order the log lists them. */
export function changedFields(changes: JobLogEntry['changes']): string {
  const bySide = new Map<string, string[]>();
  for (const change of changes) bySide.set(change.side, [...(bySide.get(change.side) ?? []), change.field]);
  return [...bySide].map(([side, fields]) => `${fields.join(', ')} → ${SIDE_NAMES[side] ?? side}`).join(' · ');
}

export function jobLogRow(entry: JobLogEntry): JobLogRow {
  const action = LOG_ACTIONS[entry.action] ?? { label: entry.action, type: 'default' as const };
  return {
    id: entry.id,
    time: formatTime(entry.occurredAt),
    action: entry.action,
    actionLabel: action.label,
    tagType: action.type,
    localId: entry.localId,
    integrationId: entry.integrationId,
    direction: entry.direction ? (DIRECTIONS[entry.direction] ?? entry.direction) : '—',
    changed: changedFields(entry.changes),
    message: entry.message ?? '',
  };
}

/** The action filter's choices: what changed data first, then what went wrong, then the rest. */
export const JOB_LOG_ACTION_ORDER: readonly LogAction[] = [
  'INSERT',
  'UPDATE',
  'COUPLE',
  'CONFLICT',
  'FAILED',
  'DELETE',
  'DELETED',
  'RESTORE',
  'UNCOUPLE',
  'RETRY',
  'UNCHANGED',
];

export const JOB_LOG_ACTION_OPTIONS = JOB_LOG_ACTION_ORDER.map((action) => ({
  label: LOG_ACTIONS[action].label,
  value: action,
}));

/** `?actions=FAILED,CONFLICT` ↔ the filter; unknown names are dropped rather than sent to the API. */
export function actionsFromQuery(value: unknown): LogAction[] {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || text === '') return [];
  const known = new Set<string>(JOB_LOG_ACTION_ORDER);
  return text.split(',').filter((name): name is LogAction => known.has(name));
}

export function actionsToQuery(actions: readonly LogAction[]): string | undefined {
  return actions.length > 0 ? actions.join(',') : undefined;
}
