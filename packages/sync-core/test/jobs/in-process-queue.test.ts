import { InProcessQueue } from '../../src/jobs/in-process-queue.js';
import { describeJobQueueConformance } from './job-queue.conformance.js';

describeJobQueueConformance(
  'in-process',
  ({ store, events, workerId, runJob, concurrency, closeTimeoutMs }) =>
    new InProcessQueue({
      context: { store, events, workerId, connectors: new Map() },
      runJob,
      concurrency,
      closeTimeoutMs,
      pollIntervalMs: 50,
      leaseTtlMs: 3000,
      progressIntervalMs: 250,
    }),
);
