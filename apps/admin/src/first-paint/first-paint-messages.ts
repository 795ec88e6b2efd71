import { ERROR_TABLE_COLUMNS } from '../components/sync-error/error-table-columns';
import { SYNC_ERROR_KINDS } from '../composables/error-kinds';

/**
 * The messages the first paint shows (by their keys in src/i18n), taken from the message files at build
 * time (build/first-paint.ts): only these go into index.html, not the whole files.
 */
export const FIRST_PAINT_MESSAGE_KEYS: readonly string[] = [
  'shell.brand',
  'errors.title',
  'errors.table.details',
  'errors.table.loading',
  ...ERROR_TABLE_COLUMNS.flatMap((column) => (column.header ? [column.header] : [])),
  ...SYNC_ERROR_KINDS.map((kind) => `kinds.${kind}`),
  'errorStatus.OPEN',
  'errorStatus.RESOLVED',
];
