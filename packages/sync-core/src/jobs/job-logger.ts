import type { Store } from '../db/orm.js';
import type { SyncCounters, SyncOutcome } from '../engine/sync-run.js';
import type { SyncJob } from '../entities/sync-job.entity.js';
import { TableMappingSchema } from '../entities/table-mapping.entity.js';
import { redactSql } from '../errors/redact-sql.js';
import { childLogger, type Logger } from '../logging/logger.js';

/**
 * The logger of one job: every line carries `jobId`, `mappingId` and `mapping` (the mapping's name, which
 * is what an operator searches for). The name costs one indexed read per job; when that read fails the
 * id stands in, since a log line must never stop a job.
 */
export async function jobLogger(logger: Logger, store: Store, job: SyncJob): Promise<Logger> {
  const name = await store
    .em()
    .findOne(TableMappingSchema, { id: job.mappingId }, { fields: ['name'] })
    .then(
      (mapping) => mapping?.name ?? null,
      () => null,
    );
  return childLogger(logger, { jobId: job.id, mappingId: job.mappingId, mapping: name ?? String(job.mappingId) });
}

/** A job's end as one line: FAILED is a warning (someone should look), the rest is routine. */
export function logJobEnd(log: Logger, outcome: SyncOutcome, startedAt: number, finishedAt: number): void {
  const fields = {
    status: outcome.status,
    durationMs: finishedAt - startedAt,
    ...outcome.counters,
    // The engine's messages are redacted already; this one line is not worth trusting to that.
    ...(outcome.message ? { message: redactSql(outcome.message) } : {}),
  };
  if (outcome.status === 'FAILED') log.warn('job failed', fields);
  else log.info('job finished', fields);
}

/** Progress as a debug line: at `info` a job writes two lines, at `debug` one per progress write. */
export function logJobProgress(log: Logger, counters: SyncCounters): void {
  log.debug('job progress', { ...counters });
}
