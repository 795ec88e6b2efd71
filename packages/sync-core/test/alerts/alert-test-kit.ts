import type { Store } from '../../src/db/orm.js';
import { emptyCounters, type SyncOutcome } from '../../src/engine/sync-run.js';
import { type AlertDelivery, AlertDeliverySchema } from '../../src/entities/alert-delivery.entity.js';
import { AlertDeliveryAttemptSchema } from '../../src/entities/alert-delivery-attempt.entity.js';
import { acquireMappingLease, releaseMappingLease } from '../../src/jobs/mapping-lease.js';
import { claimSyncJob, enqueueSyncJob, finishSyncJob } from '../../src/jobs/sync-job.repository.js';

/** A webhook secret as Standard Webhooks writes them: `whsec_` + base64 of 32 random bytes. */
export const WEBHOOK_SECRET = `whsec_${Buffer.from('tandem-alerts-test-secret-32byte').toString('base64')}`;

/**
 * One job through its real lifecycle — queued, claimed under the lease, finished with `outcome` — so the
 * alert hook in `finishSyncJob` runs exactly as it does for the queues. Returns the job's id.
 */
export async function finishJob(
  store: Store,
  mappingId: number,
  status: SyncOutcome['status'],
  options: { failed?: number; message?: string; now?: number } = {},
): Promise<number> {
  const now = options.now ?? Date.now();
  const enqueued = await enqueueSyncJob(store.em(), { mappingId, trigger: 'MANUAL', now: now - 2 });
  const jobId = enqueued!.job.id;
  await acquireMappingLease(store.em(), { mappingId, owner: 'test-worker', ttlMs: 60_000, now: now - 1 });
  await claimSyncJob(store.em(), { jobId, workerId: 'test-worker', now: now - 1 });
  const outcome: SyncOutcome = {
    status,
    counters: { ...emptyCounters(), failed: options.failed ?? 0 },
    message: options.message ?? (status === 'FAILED' ? 'the integration app did not answer' : null),
  };
  const recorded = await finishSyncJob(store.em(), { jobId, workerId: 'test-worker', outcome, now });
  if (!recorded) throw new Error(`job ${jobId} was not recorded`);
  await releaseMappingLease(store.em(), mappingId, 'test-worker');
  return jobId;
}

export function deliveriesOf(store: Store, ruleId: number): Promise<AlertDelivery[]> {
  return store.em().find(AlertDeliverySchema, { ruleId }, { orderBy: { id: 'asc' } });
}

export function attemptsOf(store: Store, deliveryId: number) {
  return store.em().find(AlertDeliveryAttemptSchema, { deliveryId }, { orderBy: { id: 'asc' } });
}
