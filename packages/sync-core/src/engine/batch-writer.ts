import type { ChangeCursor } from '../connectors/connector.js';
import type { StoreSqlAccess } from '../db/store-sql.js';
import type { Side } from '../entities/enums.js';
import { CheckpointRepository } from '../repositories/checkpoint.repository.js';
import type { CouplingRepository, CouplingRow, NewCoupling } from '../repositories/coupling.repository.js';
import { type OpenErrorInput, SyncErrorRepository } from '../repositories/sync-error.repository.js';
import { type LogEntryInput, SyncLogRepository } from '../repositories/sync-log.repository.js';
import { BatchReport } from './batch-report.js';

/**
 * Everything one batch changes in Tandem's store, written in one short transaction at the end of the
 * batch: coupling updates, status changes and removals, opened and resolved errors, log entries and the
 * checkpoint. Short transactions keep SQLite responsive to the API while a job runs; one transaction per
 * batch means a crash leaves the store at a batch boundary, which the next run continues from.
 * Beside it, `report` keeps what became of the batch's records, for the job that runs it.
 */
export class BatchWriter {
  readonly report = new BatchReport();
  private readonly couplingUpdates = new Map<number, CouplingRow>();
  /** Couplings whose record ids or state changed (a restore): written whole. */
  private readonly identityChanges = new Set<number>();
  /** Rule 7's status changes, by coupling; each coupling's latest change of any kind is the one written. */
  private readonly failures = new Map<number, CouplingRow>();
  private readonly parks = new Set<number>();
  private readonly uncouples = new Set<number>();
  private readonly couplingDeletes = new Set<number>();
  private readonly couplingCreations: Array<{ rows: NewCoupling[]; then: (created: CouplingRow[]) => void }> = [];
  private readonly errors: OpenErrorInput[] = [];
  private readonly resolutions: Array<{ couplingId: number; resolution: string }> = [];
  private readonly logs: LogEntryInput[] = [];
  private cursor: { side: Side; cursor: ChangeCursor } | null = null;
  /** True when errors were opened or resolved: subscribers get fresh summary counts. */
  errorsChanged = false;

  constructor(
    private readonly store: StoreSqlAccess,
    private readonly couplings: CouplingRepository,
    /** Who resolves errors, and which job (null: an action's work) marks the couplings it changes. */
    private readonly by: { jobId: number | null; actor: string },
  ) {}

  /**
   * Couplings to insert first thing in the batch's transaction; `then` receives them with their ids and
   * may record more (log entries, errors) for the same transaction.
   */
  createCouplings(rows: NewCoupling[], then: (created: CouplingRow[]) => void): void {
    this.couplingCreations.push({ rows, then });
  }

  /** Records the coupling's new sync state; `identity` when its record ids or state changed too. */
  updateCoupling(coupling: CouplingRow, options: { identity?: boolean } = {}): void {
    this.forget(coupling.id);
    this.couplingUpdates.set(coupling.id, coupling);
    if (options.identity) this.identityChanges.add(coupling.id);
  }

  /** Records a failure: the coupling with its new failure status (`afterFailure`), the rest unchanged. */
  recordFailure(coupling: CouplingRow): void {
    this.forget(coupling.id);
    this.failures.set(coupling.id, coupling);
  }

  park(couplingId: number): void {
    this.forget(couplingId);
    this.parks.add(couplingId);
  }

  uncouple(couplingId: number): void {
    this.forget(couplingId);
    this.uncouples.add(couplingId);
  }

  deleteCoupling(couplingId: number): void {
    this.forget(couplingId);
    this.couplingDeletes.add(couplingId);
  }

  /** Drops what the batch meant to write for this coupling so far: a later decision replaces it. */
  private forget(couplingId: number): void {
    this.couplingUpdates.delete(couplingId);
    this.identityChanges.delete(couplingId);
    this.failures.delete(couplingId);
    this.parks.delete(couplingId);
    this.uncouples.delete(couplingId);
  }

  openError(error: OpenErrorInput): void {
    this.errors.push(error);
  }

  /** Resolves the coupling's open error, if it has one. */
  resolveError(couplingId: number, resolution: string): void {
    this.resolutions.push({ couplingId, resolution });
  }

  log(entry: LogEntryInput): void {
    this.logs.push(entry);
  }

  /** True when the batch changed nothing in the store (a cursor alone does not count). */
  isEmpty(): boolean {
    return (
      this.couplingCreations.length === 0 &&
      this.couplingUpdates.size === 0 &&
      this.failures.size === 0 &&
      this.parks.size === 0 &&
      this.uncouples.size === 0 &&
      this.couplingDeletes.size === 0 &&
      this.errors.length === 0 &&
      this.resolutions.length === 0 &&
      this.logs.length === 0
    );
  }

  /**
   * True when the batch's store changes may wait until the next batch has read the store
   * (`SyncWork.commitLater`): it uncouples and deletes no coupling. Couplings it creates or re-identifies
   * are looked up through `couplesAny` first; couplings it synchronized or parked are in the job's memory
   * (a later sighting is skipped).
   */
  canWait(): boolean {
    return this.uncouples.size === 0 && this.couplingDeletes.size === 0;
  }

  /** Whether this batch creates or re-identifies a coupling of one of these records of `side`. */
  couplesAny(side: Side, ids: readonly string[]): boolean {
    if (this.couplingCreations.length === 0 && this.identityChanges.size === 0) return false;
    const coupled = new Set<string | null>();
    const recordOf = (coupling: Pick<CouplingRow, 'localId' | 'integrationId'>) =>
      side === 'LOCAL' ? coupling.localId : coupling.integrationId;
    for (const { rows } of this.couplingCreations) for (const row of rows) coupled.add(recordOf(row));
    for (const id of this.identityChanges) coupled.add(recordOf(this.couplingUpdates.get(id)!));
    return ids.some((id) => coupled.has(id));
  }

  advanceCursor(side: Side, cursor: ChangeCursor): void {
    this.cursor = { side, cursor };
  }

  async flush(mappingId: number, now: number): Promise<void> {
    await this.store.transaction(async (trx) => {
      for (const { rows, then } of this.couplingCreations.splice(0)) then(await this.couplings.insertMany(trx, rows));
      const updates = [...this.couplingUpdates.values()];
      const whole = updates.filter((c) => this.identityChanges.has(c.id));
      const state = updates.filter((c) => !this.identityChanges.has(c.id));
      if (state.length > 0) await this.couplings.updateMany(trx, state);
      if (whole.length > 0) await this.couplings.updateMany(trx, whole, { identity: true });
      if (this.failures.size > 0) await this.couplings.recordFailures(trx, [...this.failures.values()]);
      if (this.parks.size > 0) await this.couplings.park(trx, { ids: [...this.parks] }, this.by.jobId);
      if (this.uncouples.size > 0) await this.couplings.uncouple(trx, { ids: [...this.uncouples] }, this.by.jobId);
      // Resolve before opening: a coupling that is resolved and re-opened in one batch ends OPEN.
      const byResolution = new Map<string, number[]>();
      for (const { couplingId, resolution } of this.resolutions) {
        byResolution.set(resolution, [...(byResolution.get(resolution) ?? []), couplingId]);
      }
      for (const [resolution, ids] of byResolution) {
        const resolved = await new SyncErrorRepository().resolveForCouplings(trx, ids, resolution, this.by.actor, now);
        if (resolved > 0) this.errorsChanged = true;
      }
      if (this.errors.length > 0) {
        await new SyncErrorRepository().openMany(trx, this.errors);
        this.errorsChanged = true;
      }
      if (this.couplingDeletes.size > 0) {
        const ids = [...this.couplingDeletes];
        const resolved = await new SyncErrorRepository().resolveForCouplings(trx, ids, 'UNCOUPLED', this.by.actor, now);
        if (resolved > 0) this.errorsChanged = true;
        await this.couplings.deleteMany(trx, ids);
      }
      if (this.logs.length > 0) await new SyncLogRepository().appendMany(trx, this.logs);
      if (this.cursor) {
        await new CheckpointRepository(this.store).saveCursor(trx, mappingId, this.cursor.side, this.cursor.cursor);
      }
    });
  }
}
