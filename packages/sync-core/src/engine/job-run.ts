import type { Side } from '../entities/enums.js';
import type { BatchReport } from './batch-report.js';
import type { BatchWriter } from './batch-writer.js';
import { countOutcomes, type RecordOutcome } from './record-outcome.js';
import { emptyCounters, type SyncOutcome, type SyncRun } from './sync-run.js';
import type { SyncWork } from './sync-work.js';

/**
 * One job's own state around the shared `SyncWork`: its counters (DESIGN.md rule 8, derived from the
 * outcomes its batches report), its progress, its cancellation, and its memory of what it already did —
 * couplings synchronized (a second sighting, the other side's change, is skipped) and records it wrote.
 */
export class JobRun {
  private readonly counters = emptyCounters();
  private readonly handled = new Set<number>();
  /**
   * Records this job wrote, by side and id, with the modified-on the write stored: when the other pass
   * reads them back as changes they are skipped without a lookup. Bounded: past the cap, records simply
   * take the normal path (their coupling says they are unchanged). One map per side, keyed by the bare id:
   * no key string to build per record.
   */
  private readonly ownWrites: Record<Side, Map<string, number>> = { LOCAL: new Map(), INTEGRATION: new Map() };

  constructor(
    readonly work: SyncWork,
    readonly run: SyncRun,
  ) {}

  newWriter(): BatchWriter {
    return this.work.newWriter();
  }

  /** Records read, for progress. */
  read(records: number): void {
    this.counters.processed += records;
  }

  hasHandled(couplingId: number): boolean {
    return this.handled.has(couplingId);
  }

  /** True (once) when this record, as read, is exactly what this job wrote. */
  isOwnWrite(side: Side, id: string, modifiedUs: number): boolean {
    const written = this.ownWrites[side];
    if (written.get(id) !== modifiedUs) return false;
    written.delete(id);
    return true;
  }

  /** Writes a batch's store changes, takes in its report and reports progress. */
  async commit(writer: BatchWriter): Promise<void> {
    await this.work.commit(writer);
    this.progress(writer);
  }

  /**
   * Like `commit`, but the store write may wait for the next batch's app write (`SyncWork.commitLater`).
   * The batch is taken in and reported now, as done — what it handled and wrote, for the next batch to
   * skip, and its outcomes — and the outcomes decided in its transaction (an insert that failed, whose
   * coupling is created there) when it is written.
   */
  async commitLater(writer: BatchWriter): Promise<void> {
    const counted = new Map(writer.report.outcomes);
    this.takeIn(writer.report);
    await this.work.commitLater(writer, () => {
      const decidedLater = new Map<RecordOutcome, number>();
      for (const [outcome, records] of writer.report.outcomes) {
        const more = records - (counted.get(outcome) ?? 0);
        if (more > 0) decidedLater.set(outcome, more);
      }
      if (decidedLater.size > 0) this.count(decidedLater);
    });
  }

  /** Writes the batch that waits for the store, if any: at the end of a pass, before stopping. */
  commitWaiting(): Promise<void> {
    return this.work.commitWaiting();
  }

  /** Takes in the report of a batch that had nothing to write, and reports progress. */
  progress(writer: BatchWriter): void {
    this.takeIn(writer.report);
  }

  async stopIfCancelled(): Promise<void> {
    if (await this.run.isCancelRequested()) {
      await this.commitWaiting();
      throw new Cancelled();
    }
  }

  /** How the job ended when every pass completed: PARTIAL when some records failed. */
  finished(): SyncOutcome {
    const { failed } = this.counters;
    return {
      status: failed > 0 ? 'PARTIAL' : 'SUCCEEDED',
      counters: { ...this.counters },
      message: failed > 0 ? `${plural(failed, 'record')} could not be synchronized` : null,
    };
  }

  /** How the job ended when a pass threw: cancelled on request, or FAILED with the reason. */
  stopped(error: unknown): SyncOutcome {
    return stoppedOutcome(error, { ...this.counters });
  }

  private takeIn(report: BatchReport): void {
    this.remember(report);
    this.count(report.outcomes);
  }

  /** The couplings a batch synchronized and the records it wrote, for later batches to skip. */
  private remember(report: BatchReport): void {
    for (const couplingId of report.handled) this.handled.add(couplingId);
    for (const { side, id, modifiedUs } of report.written) {
      if (this.ownWrites.LOCAL.size + this.ownWrites.INTEGRATION.size < OWN_WRITES_CAP) {
        this.ownWrites[side].set(id, modifiedUs);
      }
    }
  }

  /** Outcomes into the counters, and the running totals to the job's progress. */
  private count(outcomes: ReadonlyMap<RecordOutcome, number>): void {
    countOutcomes(this.counters, outcomes);
    this.run.onProgress({ ...this.counters });
  }
}

const OWN_WRITES_CAP = 250_000;

/** Thrown between batches when the job was asked to stop; everything before it is committed. */
export class Cancelled extends Error {}

/** A job that ended before or between its batches: CANCELLED on request, or FAILED with the reason. */
export function stoppedOutcome(error: unknown, counters = emptyCounters()): SyncOutcome {
  if (error instanceof Cancelled) return { status: 'CANCELLED', counters, message: 'cancelled on request' };
  return { status: 'FAILED', counters, message: failureMessage(error) };
}

/**
 * The sentence a FAILED job shows. Tandem's own errors are written for people already; a driver error
 * from the store starts with the whole SQL statement (knex's "SQL - reason"), which only the reason
 * should survive.
 */
function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason =
    message.length > 300 && message.includes(' - ') ? message.slice(message.lastIndexOf(' - ') + 3) : message;
  return reason.length > 1000 ? `${reason.slice(0, 1000)}…` : reason;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
