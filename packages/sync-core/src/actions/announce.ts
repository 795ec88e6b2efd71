import type { ActionContext, ErrorSelection } from './action-types.js';

/**
 * Tells subscribers that errors changed so that summary counts refresh: for the selection's mapping, or
 * for every mapping when the selection spans several (id lists, filters without a mapping).
 */
export async function announceErrorChanges(ctx: ActionContext, selection: ErrorSelection): Promise<void> {
  const mappingId = selection.filter?.mappingId;
  if (mappingId != null) {
    ctx.events.publish({ type: 'syncErrorsChanged', mappingId });
    return;
  }
  const rows = await ctx.store.sql.session((sql) => sql.query<{ id: unknown }>('select id from table_mapping'));
  for (const row of rows) ctx.events.publish({ type: 'syncErrorsChanged', mappingId: Number(row.id) });
}
