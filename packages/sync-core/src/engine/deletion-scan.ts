import { CheckpointRepository } from '../repositories/checkpoint.repository.js';
import { syncCouplings } from './coupling-pass.js';
import type { JobRun } from './job-run.js';

/**
 * Rule 5 for records whose counterpart nobody changed: when due (every `deletionScanSeconds`, and on a
 * full sync), pages through the coupled couplings and syncs those missing a record on either side.
 */
export async function scanDeletionsWhenDue(job: JobRun): Promise<void> {
  const { work } = job;
  const checkpoints = new CheckpointRepository(work.sql);
  const { deletionScanAt } = await checkpoints.load(work.mapping.id, 'LOCAL');
  const now = Date.now();
  if (!job.run.full) {
    if (deletionScanAt === null) {
      await checkpoints.saveDeletionScan(work.mapping.id, 'LOCAL', now);
      return;
    }
    if (now - deletionScanAt < work.settings.deletionScanSeconds * 1000) return;
  }
  let afterId = 0;
  for (;;) {
    const page = await work.couplings.pageCoupled(work.mapping.id, afterId, work.settings.batchSize);
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const unchecked = page.filter((c) => !job.hasHandled(c.id));
    const [locals, integrations] = await Promise.all([
      work.local.existingIds(unchecked.map((c) => c.localId!)),
      work.integration.existingIds(unchecked.map((c) => c.integrationId!)),
    ]);
    const gaps = unchecked.filter((c) => !locals.has(c.localId!) || !integrations.has(c.integrationId!));
    if (gaps.length > 0) await syncCouplings(job, gaps);
    if (page.length < work.settings.batchSize) break;
    await job.stopIfCancelled();
  }
  await checkpoints.saveDeletionScan(work.mapping.id, 'LOCAL', now);
}
