import {
  type InProcessEventBus,
  loadSyncJob,
  type Store,
  type SyncJobSnapshot,
  toSyncJobSnapshot,
} from '@tandem/sync-core';
import { isFinishedJob } from './job-lines.js';

/** How often the job's row is read while no event says how it is going. */
const POLL_MS = 1_000;

/**
 * Resolves with the job's final state. Its events arrive only while this process runs it; when another
 * process took it — a `tandem start` beside this CLI claims queued jobs too, or this CLI joined the
 * mapping's waiting job — the row is the only witness, so it is read every second as well.
 */
export function waitForJob(
  store: Store,
  events: InProcessEventBus,
  jobId: number,
  onProgress: (job: SyncJobSnapshot) => void = () => {},
): Promise<SyncJobSnapshot> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (job: SyncJobSnapshot) => {
      unsubscribe();
      clearTimeout(timer);
      resolve(job);
    };
    const unsubscribe = events.subscribe((event) => {
      if (event.type !== 'syncJobChanged' || event.job.id !== jobId) return;
      onProgress(event.job);
      if (isFinishedJob(event.job)) done(event.job);
    });
    const poll = async () => {
      try {
        const row = await loadSyncJob(store.em(), jobId);
        if (row) {
          const job = toSyncJobSnapshot(row);
          if (isFinishedJob(job)) return done(job);
          onProgress(job);
        }
        timer = setTimeout(poll, POLL_MS);
      } catch (error) {
        unsubscribe();
        reject(error);
      }
    };
    timer = setTimeout(poll, POLL_MS);
  });
}
