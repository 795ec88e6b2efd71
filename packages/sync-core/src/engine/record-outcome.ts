import type { SyncCounters } from './sync-run.js';

/**
 * What became of one record in a batch, as the engine decided it. A job's counters (DESIGN.md rule 8)
 * are derived from these in `countOutcomes` and nowhere else, so a record is counted exactly as the table
 * below says, whichever pass or path decided it.
 */
export type RecordOutcome = keyof typeof COUNTED_AS;

type Counter = Exclude<keyof SyncCounters, 'processed'>;

const COUNTED_AS = {
  /** Created on the other side and coupled. */
  INSERTED: ['inserted'],
  /** Coupled to an existing record found by its external key or match fields (its sync is counted too). */
  COUPLED: ['coupled'],
  MODIFIED: ['modified'],
  UNCHANGED: ['unchanged'],
  /** Parked (its record changed, and waits for an action), or unmatched with create-new-if-no-match off. */
  SKIPPED: ['skipped'],
  /** The destination (or a transform) rejected it; the next job tries again. */
  WRITE_FAILED: ['failed'],
  /** An update conflict, parked for a person's decision. */
  CONFLICT_PARKED: ['failed'],
  /** Deleted on one side and parked for a person's decision: nothing was deleted, so it is no `deleted`. */
  DELETION_PARKED: ['failed'],
  /** Deleted on one side and re-created from the other by the RESTORE_RECORDS policy. */
  DELETION_RESTORED: ['deleted', 'inserted'],
  /** Deleted on one side (or both) and uncoupled: by the REMOVE_COUPLING policy, or with nothing left. */
  DELETION_UNCOUPLED: ['deleted', 'uncoupled'],
} as const satisfies Record<string, readonly Counter[]>;

/** Adds a batch's outcomes (how many records had each) to a job's counters. */
export function countOutcomes(counters: SyncCounters, outcomes: ReadonlyMap<RecordOutcome, number>): void {
  for (const [outcome, records] of outcomes) {
    for (const counter of COUNTED_AS[outcome]) counters[counter] += records;
  }
}
