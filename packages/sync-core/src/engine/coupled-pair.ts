import type { SourceRecord } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import type { CouplingRow } from '../repositories/coupling.repository.js';

/** A coupling with both of its records as they are now (undefined: deleted on that side). */
export interface CoupledPair {
  coupling: CouplingRow;
  local: SourceRecord | undefined;
  integration: SourceRecord | undefined;
}

export interface PairOptions {
  /** Whole-record winner (synchronize action): every field takes this side's value. */
  winner?: Side;
  /** Per-field winners by local field name (synchronize action). */
  fieldWinners?: ReadonlyMap<string, Side>;
  /** For fresh couplings: the side whose record triggered the coupling wins where its data can flow. */
  preferredSide?: Side;
  /** How a resolved error is marked (default SYNCED: a job synced the record after all). */
  resolution?: string;
  /** Count pairs with nothing to do as unchanged (full sync, retries); otherwise they are silent. */
  countUnchanged?: boolean;
}

/** What became of a pair, for the action that asked (a job counts its batches' outcomes instead). */
export type PairOutcome = 'MODIFIED' | 'UNCHANGED' | 'CONFLICT' | 'FAILED' | 'DELETED';

export interface PairResult {
  couplingId: number;
  outcome: PairOutcome;
  message: string | null;
}
