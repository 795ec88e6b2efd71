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
  /** A batch whose store changes wait for the next app write (`commitLater`), and what follows its commit. */
  private waiting: { writer: BatchWriter; afterCommit: () => void } | null = null;

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

  /**
   * A log entry about this coupling, by this job (or action) and its actor, now. Written out as one
   * literal: a job makes one per record, and spreading partial objects into it cost more than the rest
   * of its bookkeeping for that record (100,000 entries in a first sync).
   */
  logEntry(
    coupling: CouplingIds,
    entry: Pick<LogEntryInput, 'action' | 'direction' | 'changes' | 'message'>,
  ): LogEntryInput {
    return {
      mappingId: this.mapping.id,
      couplingId: coupling.id,
      jobId: this.by.jobId,
      localId: coupling.localId,
      integrationId: coupling.integrationId,
      occurredAt: Date.now(),
      direction: entry.direction,
      action: entry.action,
      changes: entry.changes,
      message: entry.message,
      actor: this.by.actor,
    };
  }

  /** An error to open (or refresh) for this coupling, by this job, now. */
  errorEntry(
    coupling: CouplingIds,
    error: Pick<OpenErrorInput, 'kind' | 'message' | 'detail' | 'fields'>,
  ): OpenErrorInput {
    return {
      mappingId: this.mapping.id,
      couplingId: coupling.id,
      jobId: this.by.jobId,
      localId: coupling.localId,
      integrationId: coupling.integrationId,
      occurredAt: Date.now(),
      kind: error.kind,
      message: error.message,
      detail: error.detail,
      fields: error.fields,
    };
  }

  newWriter(): BatchWriter {
    return new BatchWriter(this.sql, this.couplings, this.by);
  }

  /** Writes a batch's store changes in one transaction (after the batch that waits, if any); announces error changes. */
  async commit(writer: BatchWriter): Promise<void> {
    await this.commitWaiting();
    await writer.flush(this.mapping.id, Date.now());
    if (writer.errorsChanged) this.events.publish({ type: 'syncErrorsChanged', mappingId: this.mapping.id });
  }

  /**
   * Keeps a batch's store changes to be written while the next batch's app write runs (`whileAppWrites`),
   * or by the next commit, whichever comes first: with an app behind a network (PostgreSQL, Dataverse)
   * or a store on PostgreSQL, the store's work and the app's then overlap instead of taking turns; a
   * SQLite app's synchronous driver still runs in turn with a SQLite store. `afterCommit`
   * runs once they are written. A batch that uncouples or deletes couplings is written at once
   * (`BatchWriter.canWait`); one that couples records is written before any lookup of those records
   * (`findCouplings`); the pass writes the last one.
   */
  async commitLater(writer: BatchWriter, afterCommit: () => void): Promise<void> {
    if (!writer.canWait()) {
      await this.commit(writer);
      afterCommit();
      return;
    }
    await this.commitWaiting();
    this.waiting = { writer, afterCommit };
  }

  /** Writes the batch that waits, if one does. */
  async commitWaiting(): Promise<void> {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = null;
    await this.commit(waiting.writer);
    waiting.afterCommit();
  }

  /**
   * The couplings of these records of one side, as the store will hold them once the batch that waits is
   * written: when that batch couples one of them, it is written first.
   */
  async findCouplings(side: Side, ids: readonly string[]): Promise<CouplingRow[]> {
    if (this.waiting?.writer.couplesAny(side, ids)) await this.commitWaiting();
    return this.couplings.findBySideIds(this.mapping.id, side, ids);
  }

  /** Awaits an app write in flight, writing the batch that waits (if any) to the store meanwhile. */
  async whileAppWrites<T>(write: Promise<T>): Promise<T> {
    if (this.waiting) {
      // Awaited below; its failure must not count as unhandled while the store is written.
      write.catch(() => undefined);
      await this.commitWaiting();
    }
    return write;
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
