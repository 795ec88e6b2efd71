import type { StoreSqlAccess } from '../db/store-sql.js';
import type { Side } from '../entities/enums.js';
import type { ResolvedMapping } from '../mappings/resolved-mapping.js';
import { CouplingRepository, type CouplingRow } from '../repositories/coupling.repository.js';
import type { OpenErrorInput } from '../repositories/sync-error.repository.js';
import type { LogEntryInput } from '../repositories/sync-log.repository.js';
import { BatchWriter } from './batch-writer.js';
import type { SideTable } from './side-table.js';
import type { EngineSettings, SyncContext } from './sync-context.js';
import { emptyCounters, type SyncRun } from './sync-run.js';

/** Everything one job run shares between its passes: mapping, both sides, counters, repositories. */
export class JobState {
  readonly counters = emptyCounters();
  /** Couplings already synchronized in this job: a second sighting (the other side's change) is skipped. */
  readonly handled = new Set<number>();
  readonly couplings: CouplingRepository;
  /**
   * Records this job wrote, by side and id, with the modified-on the write stored: when the other pass
   * reads them back as changes they are skipped without a lookup. Bounded: past the cap, records simply
   * take the normal path (their coupling says they are unchanged).
   */
  private readonly ownWrites = new Map<string, number>();
  /** The job the log and errors name; null for work done by a triage action. */
  readonly jobId: number | null;
  /** Who the log names for this work: `job`, or the person or key behind an action. */
  readonly actor: string;

  constructor(
    readonly context: SyncContext,
    readonly run: SyncRun,
    readonly mapping: ResolvedMapping,
    readonly local: SideTable,
    readonly integration: SideTable,
    readonly settings: EngineSettings,
    readonly sql: StoreSqlAccess,
    who: { jobId: number | null; actor: string } = { jobId: run.jobId, actor: 'job' },
  ) {
    this.couplings = new CouplingRepository(sql);
    this.jobId = who.jobId;
    this.actor = who.actor;
  }

  rememberOwnWrite(side: Side, id: string, modifiedUs: number): void {
    if (this.ownWrites.size < OWN_WRITES_CAP) this.ownWrites.set(`${side}:${id}`, modifiedUs);
  }

  /** True (once) when this record, as read, is exactly what this job wrote. */
  isOwnWrite(side: Side, id: string, modifiedUs: number): boolean {
    const key = `${side}:${id}`;
    if (this.ownWrites.get(key) !== modifiedUs) return false;
    this.ownWrites.delete(key);
    return true;
  }

  /** A log entry about this coupling, by this job (or action) and its actor, now. */
  logEntry(
    coupling: CouplingIds,
    entry: Pick<LogEntryInput, 'action' | 'direction' | 'changes' | 'message'>,
  ): LogEntryInput {
    return { ...this.about(coupling), actor: this.actor, ...entry };
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
      jobId: this.jobId,
      localId: coupling.localId,
      integrationId: coupling.integrationId,
      occurredAt: Date.now(),
    };
  }

  sideTable(side: Side): SideTable {
    return side === 'LOCAL' ? this.local : this.integration;
  }

  newWriter(): BatchWriter {
    return new BatchWriter(this.sql, this.couplings, this.actor);
  }

  /** Writes a batch's store changes and reports progress; announces error changes. */
  async commit(writer: BatchWriter): Promise<void> {
    await writer.flush(this.mapping.id, Date.now());
    if (writer.errorsChanged) this.context.events.publish({ type: 'syncErrorsChanged', mappingId: this.mapping.id });
    this.run.onProgress({ ...this.counters });
  }
}

type CouplingIds = Pick<CouplingRow, 'id' | 'localId' | 'integrationId'>;

const OWN_WRITES_CAP = 250_000;

export function otherSide(side: Side): Side {
  return side === 'LOCAL' ? 'INTEGRATION' : 'LOCAL';
}
