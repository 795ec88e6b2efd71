import { JobState } from '../engine/job-state.js';
import { openSide } from '../engine/open-side.js';
import { DEFAULT_ENGINE_SETTINGS } from '../engine/sync-context.js';
import { MappingNotFoundError } from '../errors/mapping-not-found.error.js';
import { loadResolvedMapping } from '../mappings/table-mapping.repository.js';
import type { ActionContext } from './action-types.js';

/**
 * The engine's working state for an action on one mapping's records: the same code that a job uses to
 * write records, couplings, errors and log entries, with no job and the action's actor in the log.
 */
export async function openActionWork(ctx: ActionContext, mappingId: number): Promise<JobState> {
  const settings = { ...DEFAULT_ENGINE_SETTINGS, ...ctx.settings };
  const mapping = await loadResolvedMapping(ctx.store.em(), mappingId);
  if (!mapping) throw new MappingNotFoundError(mappingId);
  const context = { store: ctx.store, connectors: ctx.connectors, events: ctx.events, workerId: ctx.actor, settings };
  const local = await openSide(context, mapping, 'LOCAL', settings);
  const integration = await openSide(context, mapping, 'INTEGRATION', settings);
  const run = {
    jobId: 0,
    mappingId,
    full: false,
    scope: null,
    isCancelRequested: async () => false,
    onProgress: () => {},
  };
  return new JobState(context, run, mapping, local, integration, settings, ctx.store.sql, {
    jobId: null,
    actor: ctx.actor,
  });
}

/** Opens each mapping's work once per action call. */
export class ActionWorkCache {
  private readonly works = new Map<number, Promise<JobState>>();
  constructor(private readonly ctx: ActionContext) {}

  get(mappingId: number): Promise<JobState> {
    let work = this.works.get(mappingId);
    if (!work) {
      work = openActionWork(this.ctx, mappingId);
      this.works.set(mappingId, work);
    }
    return work;
  }
}
