import type { Side } from '../entities/enums.js';
import type { RecordOutcome } from './record-outcome.js';

/**
 * What a batch tells the job that runs it, beside its store changes: what became of its records (the
 * job's counters), the couplings it synchronized (a second sighting in the same job is skipped) and the
 * records it wrote (read back as changes, they are skipped without a lookup). Work done by a triage
 * action has no job to tell, and nobody reads its report.
 */
export class BatchReport {
  readonly outcomes = new Map<RecordOutcome, number>();
  readonly handled: number[] = [];
  readonly written: Array<{ side: Side; id: string; modifiedUs: number }> = [];

  outcome(outcome: RecordOutcome, records = 1): void {
    if (records > 0) this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + records);
  }

  handle(couplingId: number): void {
    this.handled.push(couplingId);
  }

  /** A record this batch wrote, with the modified-on the write gave it. */
  wrote(side: Side, write: { id: string; modifiedUs: number }): void {
    this.written.push({ side, id: write.id, modifiedUs: write.modifiedUs });
  }
}
