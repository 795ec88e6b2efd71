import type { StoreSqlAccess } from '../db/store-sql.js';
import type { Side } from '../entities/enums.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { ResolvedMapping } from '../mappings/resolved-mapping.js';
import { CouplingRepository, type CouplingRow } from '../repositories/coupling.repository.js';
import type { OpenErrorInput } from '../repositories/sync-error.repository.js';
import type { LogEntryInput } from '../repositories/sync-log.repository.js';
import { BatchWriter } from './batch-writer.js';
import { openSide } from './open-side.js';
import type { SideTable } from './side-table.js';
import type { EngineSettings, SyncContext } from './sync-context.js';

/** Who the log and the errors name for some work: a job, or the person or key behind a triage action. */
export interface WorkedBy {
  /** The job the log and errors name; null for work done by a triage action. */
  jobId: number | null;
  /** `job`, or the actor of an action. */
  actor: string;
}

/**
 * What any synchronization of one mapping's records needs, whether a job runs it or a triage action
 * (synchronize, restore, couple): the mapping, both sides, the store and its coupling repository, batch
 * writers, and the log entries and errors it writes, named for whoever does the work. A job's own
 * state — counters, progress, cancellation — is `JobRun`'s.
 */
export class SyncWork {
  readonly couplings: CouplingRepository;

  constructor(
    readonly mapping: ResolvedMapping,
    readonly local: SideTable,
    readonly integration: SideTable,
    readonly settings: EngineSettings,
    readonly sql: StoreSqlAccess,
    private readonly events: EventPublisher,
    readonly by: WorkedBy,
  ) {
    this.couplings = new CouplingRepository(sql);
  }

  get jobId(): number | null {
    return this.by.jobId;
  }

  sideTable(side: Side): SideTable {
    return side === 'LOCAL' ? this.local : this.integration;
  }

  /** A log entry about this coupling, by this job (or action) and its actor, now. */
  logEntry(
    coupling: CouplingIds,
    entry: Pick<LogEntryInput, 'action' | 'direction' | 'changes' | 'message'>,
  ): LogEntryInput {
    return { ...this.about(coupling), actor: this.by.actor, ...entry };
  }

  /** An error to open (or refresh) for this coupling, by this job, now. */
  errorEntry(
    coupling: CouplingIds,
    error: Pick<OpenErrorInput, 'kind' | 'message' | 'detail' | 'fields'>,
  ): OpenErrorInput {
    return { ...this.about(coupling), ...error };
  }

  /** What every log entry and error of a coupling says about where it stands: which records, which job, when. */
  private about(coupling: CouplingIds) {
    return {
      mappingId: this.mapping.id,
      couplingId: coupling.id,
      jobId: this.by.jobId,
      localId: coupling.localId,
      integrationId: coupling.integrationId,
      occurredAt: Date.now(),
    };
  }

  newWriter(): BatchWriter {
    return new BatchWriter(this.sql, this.couplings, this.by);
  }

  /** Writes a batch's store changes in one transaction; announces error changes. */
  async commit(writer: BatchWriter): Promise<void> {
    await writer.flush(this.mapping.id, Date.now());
    if (writer.errorsChanged) this.events.publish({ type: 'syncErrorsChanged', mappingId: this.mapping.id });
  }
}

type CouplingIds = Pick<CouplingRow, 'id' | 'localId' | 'integrationId'>;

/** Opens both sides of a loaded mapping (checking them against the apps) for work by `by`. */
export async function openSyncWork(
  context: SyncContext,
  mapping: ResolvedMapping,
  settings: EngineSettings,
  by: WorkedBy,
): Promise<SyncWork> {
  const local = await openSide(context, mapping, 'LOCAL', settings);
  const integration = await openSide(context, mapping, 'INTEGRATION', settings);
  return new SyncWork(mapping, local, integration, settings, context.store.sql, context.events, by);
}
