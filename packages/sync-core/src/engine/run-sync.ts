import type { SyncContext } from './sync-context.js';
import { emptyCounters, type SyncOutcome, type SyncRun } from './sync-run.js';

/**
 * Runs one job of one mapping: DESIGN.md "How a job synchronizes", rules 1–9. Never throws: a failure of
 * the job itself (a connector that stays down, a mapping that does not fit its tables) is a FAILED outcome.
 *
 * (Being written: this placeholder lets the job runner be built against the final signature.)
 */
export async function runSync(_context: SyncContext, _run: SyncRun): Promise<SyncOutcome> {
  return { status: 'SUCCEEDED', counters: emptyCounters(), message: null };
}
