// The errors table's columns: what each shows, its header's message and its width. One list for the
// table (SyncErrorTable.vue) and for the errors page's first paint (src/first-paint), which draws the same
// table before the app has loaded. Plain data with no imports, so the first paint can bundle it alone.

/** The selection column's width (px), when the viewer may act. */
export const SELECT_COLUMN_WIDTH = 44;

/** Widths in px; the message takes what is left. The last column holds each row's Details button. */
export const ERROR_TABLE_COLUMNS = [
  { key: 'occurredAt', header: 'errors.table.occurred', width: 160 },
  { key: 'mapping', header: 'errors.table.mapping', width: 120 },
  { key: 'kind', header: 'errors.table.kind', width: 190 },
  { key: 'message', header: 'errors.table.message', width: null },
  { key: 'localId', header: 'errors.table.localId', width: 120 },
  { key: 'integrationId', header: 'errors.table.integrationId', width: 140 },
  { key: 'status', header: 'errors.table.status', width: 100 },
  { key: 'open', header: null, width: 90 },
] as const;
