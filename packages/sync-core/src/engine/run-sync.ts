import { loadResolvedMapping } from '../mappings/table-mapping.repository.js';
import { syncChanges } from './change-pass.js';
import { syncCouplingsNeedingAttention, syncScope } from './coupling-pass.js';
import { scanDeletionsWhenDue } from './deletion-scan.js';
import { syncTrackedChanges } from './delta-pass.js';
import { JobRun, stoppedOutcome } from './job-run.js';
import { DEFAULT_ENGINE_SETTINGS, type SyncContext } from './sync-context.js';
import { emptyCounters, type SyncOutcome, type SyncRun } from './sync-run.js';
import { openSyncWork } from './sync-work.js';

/**
 * Runs one job of one mapping: DESIGN.md "How a job synchronizes", rules 1–9. Never throws: a failure of
 * the job itself (a connector that stays down, a mapping that does not fit its tables) is a FAILED
 * outcome with a message, and every batch committed before it stays valid for the next run.
 *
 * A normal run has three passes: couplings that need attention (released for retry, failed once, or
 * left PENDING), then the changes of each side since its checkpoint, then — when due, and always on a
 * full sync — a scan for coupled records deleted on one side. A RETRY run does only its scope.
 */
export async function runSync(context: SyncContext, run: SyncRun): Promise<SyncOutcome> {
  const settings = { ...DEFAULT_ENGINE_SETTINGS, ...context.settings };
  let job: JobRun | null = null;
  try {
    const mapping = await loadResolvedMapping(context.store.em(), run.mappingId);
    if (!mapping)
      return { status: 'FAILED', counters: emptyCounters(), message: `mapping ${run.mappingId} does not exist` };
    const work = await openSyncWork(context, mapping, settings, { jobId: run.jobId, actor: run.actor ?? 'job' });
    job = new JobRun(work, run);
    // Waits a connector makes for its app (429 Retry-After, backoff) show in the job's log and progress.
    for (const side of [work.local, work.integration]) side.table.onWait?.((wait) => run.onNotice?.(wait.message));

    if (run.scope) {
      await syncScope(job, run.scope);
    } else {
      await syncCouplingsNeedingAttention(job);
      // A side whose app tracks changes itself (Dataverse delta links) is read that way, deletions included.
      if (!(await syncTrackedChanges(job, 'LOCAL'))) await syncChanges(job, 'LOCAL');
      if (!(await syncTrackedChanges(job, 'INTEGRATION'))) await syncChanges(job, 'INTEGRATION');
      await scanDeletionsWhenDue(job);
    }
    return job.finished();
  } catch (error) {
    if (!job) return stoppedOutcome(error);
    // A batch whose app writes are done but whose store write waited is still valid: write it, as an
    // earlier batch would have been (a store that fails here fails the job for the reason it already has).
    await job.commitWaiting().catch(() => undefined);
    return job.stopped(error);
  }
}
