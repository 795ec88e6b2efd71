import { isParked } from '../couplings/coupling-state-machine.js';
import type { Side } from '../entities/enums.js';
import { CheckpointRepository } from '../repositories/checkpoint.repository.js';
import { syncChangedRecords } from './change-pass.js';
import { syncCouplings } from './coupling-pass.js';
import type { JobRun } from './job-run.js';

/**
 * Rule 1 for a side whose app tracks changes itself (a Dataverse table with change tracking): reads the
 * changes since the stored delta link page by page, syncs each page's records like any changed records,
 * and turns its tombstones into deletions at once (rule 5, no scan needed). The link moves after the
 * page's batch committed; after a crash the worst case is one page read again, which compares unchanged.
 * Returns false, having done nothing, when the side is not read this way.
 */
export async function syncTrackedChanges(job: JobRun, side: Side): Promise<boolean> {
  const { work, run } = job;
  const table = work.sideTable(side);
  if (!table.table.readDelta) return false;
  const checkpoints = new CheckpointRepository(work.sql);
  let token = run.full ? null : await checkpoints.loadDeltaToken(work.mapping.id, side);
  const batchSize = token ? work.settings.batchSize : Math.max(work.settings.batchSize, work.settings.initialBatchSize);
  for (;;) {
    const page = await table.readDelta(token, batchSize);
    if (!page) return false;
    if (page.restarted) {
      run.onNotice?.(
        `the change-tracking token of ${side === 'LOCAL' ? 'local' : 'integration'} table "${table.table.spec.table}" expired: reading every record again`,
      );
    }
    job.read(page.records.length + page.deletedIds.length);
    const writer = job.newWriter();
    await syncChangedRecords(job, side, page.records, writer);
    await job.commit(writer);
    if (page.deletedIds.length > 0) {
      const couplings = await work.couplings.findBySideIds(work.mapping.id, side, page.deletedIds);
      // A parked coupling waits for an action (rule 7); the deletion shows when it is released.
      const coupled = couplings.filter((c) => c.state === 'COUPLED' && !isParked(c) && !job.hasHandled(c.id));
      // Each coupling's records are read again: the one deleted is missing, and the deletion rules decide.
      if (coupled.length > 0) await syncCouplings(job, coupled);
    }
    await checkpoints.saveDeltaToken(work.mapping.id, side, page.token);
    token = page.token;
    if (page.done) return true;
    await job.stopIfCancelled();
  }
}
