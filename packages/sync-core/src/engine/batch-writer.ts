import type { ChangeCursor } from '../connectors/connector.js';
import type { StoreSqlAccess } from '../db/store-sql.js';
import type { Side } from '../entities/enums.js';
import { CheckpointRepository } from '../repositories/checkpoint.repository.js';
import type { CouplingRepository, CouplingRow, NewCoupling } from '../repositories/coupling.repository.js';
import { type OpenErrorInput, SyncErrorRepository } from '../repositories/sync-error.repository.js';
import { type LogEntryInput, SyncLogRepository } from '../repositories/sync-log.repository.js';

/**
 * Everything one batch changes in Tandem's store, written in one short transaction at the end of the
 * batch: coupling updates and removals, opened and resolved errors, log entries and the checkpoint.
 * Short transactions keep SQLite responsive to the API while a job runs; one transaction per batch
 * means a crash leaves the store at a batch boundary, which the next run continues from.
 */
export class BatchWriter {
  private readonly couplingUpdates = new Map<number, CouplingRow>();
  /** Couplings whose record ids or state changed (a restore): written whole. */
  private readonly identityChanges = new Set<number>();
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
    private readonly actor: string,
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
    this.couplingUpdates.set(coupling.id, coupling);
    if (options.identity) this.identityChanges.add(coupling.id);
  }

  deleteCoupling(couplingId: number): void {
    this.couplingUpdates.delete(couplingId);
    this.couplingDeletes.add(couplingId);
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
      this.couplingDeletes.size === 0 &&
      this.errors.length === 0 &&
      this.resolutions.length === 0 &&
      this.logs.length === 0
    );
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
      // Resolve before opening: a coupling that is resolved and re-opened in one batch ends OPEN.
      const byResolution = new Map<string, number[]>();
      for (const { couplingId, resolution } of this.resolutions) {
        byResolution.set(resolution, [...(byResolution.get(resolution) ?? []), couplingId]);
      }
      for (const [resolution, ids] of byResolution) {
        const resolved = await new SyncErrorRepository().resolveForCouplings(trx, ids, resolution, this.actor, now);
        if (resolved > 0) this.errorsChanged = true;
      }
      if (this.errors.length > 0) {
        await new SyncErrorRepository().openMany(trx, this.errors);
        this.errorsChanged = true;
      }
      if (this.couplingDeletes.size > 0) {
        const ids = [...this.couplingDeletes];
        const resolved = await new SyncErrorRepository().resolveForCouplings(trx, ids, 'UNCOUPLED', this.actor, now);
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
