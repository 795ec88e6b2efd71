import type { Knex } from '@mikro-orm/knex';
import type { ChangeCursor } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import { CheckpointRepository } from '../repositories/checkpoint.repository.js';
import type { CouplingRepository, CouplingRow } from '../repositories/coupling.repository.js';
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
  private readonly errors: OpenErrorInput[] = [];
  private readonly resolutions: Array<{ couplingId: number; resolution: string }> = [];
  private readonly logs: LogEntryInput[] = [];
  private cursor: { side: Side; cursor: ChangeCursor } | null = null;
  /** True when errors were opened or resolved: subscribers get fresh summary counts. */
  errorsChanged = false;

  constructor(
    private readonly knex: Knex,
    private readonly couplings: CouplingRepository,
    private readonly actor: string,
  ) {}

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

  advanceCursor(side: Side, cursor: ChangeCursor): void {
    this.cursor = { side, cursor };
  }

  async flush(mappingId: number, now: number): Promise<void> {
    await this.knex.transaction(async (trx) => {
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
        const resolved = await new SyncErrorRepository(trx).resolveForCouplings(trx, ids, resolution, this.actor, now);
        if (resolved > 0) this.errorsChanged = true;
      }
      if (this.errors.length > 0) {
        await new SyncErrorRepository(trx).openMany(trx, this.errors);
        this.errorsChanged = true;
      }
      if (this.couplingDeletes.size > 0) {
        const ids = [...this.couplingDeletes];
        const resolved = await new SyncErrorRepository(trx).resolveForCouplings(trx, ids, 'UNCOUPLED', this.actor, now);
        if (resolved > 0) this.errorsChanged = true;
        await this.couplings.deleteMany(trx, ids);
      }
      if (this.logs.length > 0) await new SyncLogRepository().appendMany(trx, this.logs);
      if (this.cursor) {
        await new CheckpointRepository(trx).saveCursor(trx, mappingId, this.cursor.side, this.cursor.cursor);
      }
    });
  }
}
