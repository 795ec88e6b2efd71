import { DEFAULT_ENGINE_SETTINGS } from '../engine/sync-context.js';
import { openSyncWork, type SyncWork } from '../engine/sync-work.js';
import { MappingNotFoundError } from '../errors/mapping-not-found.error.js';
import { loadResolvedMapping } from '../mappings/table-mapping.repository.js';
import type { ActionContext } from './action-types.js';

/**
 * The engine's work on one mapping's records for an action: the same code that a job uses to write
 * records, couplings, errors and log entries, with no job and the action's actor in the log.
 */
export async function openActionWork(ctx: ActionContext, mappingId: number): Promise<SyncWork> {
  const settings = { ...DEFAULT_ENGINE_SETTINGS, ...ctx.settings };
  const mapping = await loadResolvedMapping(ctx.store.em(), mappingId);
  if (!mapping) throw new MappingNotFoundError(mappingId);
  const context = { store: ctx.store, connectors: ctx.connectors, events: ctx.events, workerId: ctx.actor, settings };
  return openSyncWork(context, mapping, settings, { jobId: null, actor: ctx.actor });
}
