import type { CouplingState } from '../entities/enums.js';

/**
 * Where a coupling stands in DESIGN.md rule 7, and every move it can make. This module is the one owner
 * of those moves: the engine and the triage actions change a coupling's status only through the changes
 * below, which `CouplingRepository` writes set-based (one statement per chunk of couplings, never a row
 * at a time), directly or as part of the rows a batch writes.
 *
 * | move | from | to | made by |
 * | --- | --- | --- | --- |
 * | sync (`CLEARED`) | COUPLED, or PENDING once inserted or matched | COUPLED, nothing pending | the engine |
 * | record a failure (`afterFailure`) | COUPLED or PENDING | failed once; parked when it repeats | the engine |
 * | park (`PARKED`) | COUPLED | parked | the engine: an update conflict, a deletion |
 * | release for retry (`RELEASED_FOR_RETRY`) | parked or failed | looked at by the next job | the retry action |
 * | uncouple (`UNCOUPLED`) | any | UNCOUPLED, for good | remove coupling, the REMOVE_COUPLING policy |
 *
 * A parked coupling is skipped by every job (counted as skipped when its record changed) until an action
 * releases or uncouples it; a change to its record does not release it.
 */
export interface CouplingStatus {
  state: CouplingState;
  parked: boolean;
  /** The same failure in a row; reset by a sync, a release and an uncouple. */
  failureCount: number;
  lastFailure: string | null;
  /** Released by the retry action: the next job looks at it although its records did not change. */
  retryRequested: boolean;
}

/** A change of status that is the same for every coupling it applies to, so one UPDATE serves a set. */
export type StatusChange = Readonly<Partial<CouplingStatus>>;

/** Clear failures: both records now hold what the coupling says; nothing waits or needs another look. */
export const CLEARED = {
  parked: false,
  failureCount: 0,
  lastFailure: null,
  retryRequested: false,
} as const satisfies StatusChange;

/** Park: an update conflict or a deletion needs a person's decision, so later jobs skip the coupling. */
export const PARKED = { parked: true, retryRequested: false } as const satisfies StatusChange;

/** Release for retry (the retry action): unparked, failures forgotten, and looked at by the next job. */
export const RELEASED_FOR_RETRY = {
  parked: false,
  retryRequested: true,
  failureCount: 0,
} as const satisfies StatusChange;

/**
 * Uncouple: the records no longer sync. The row stays so that a later job neither couples nor copies
 * them again; with no failures and no retry pending, no job's search for couplings to revisit finds it.
 */
export const UNCOUPLED = {
  state: 'UNCOUPLED',
  parked: false,
  retryRequested: false,
  failureCount: 0,
} as const satisfies StatusChange;

/**
 * Record a failure: the destination rejected the record. The next job tries again; the same failure
 * `parkAfter` times in a row parks the coupling (a different failure starts the count again).
 */
export function afterFailure(
  status: Pick<CouplingStatus, 'failureCount' | 'lastFailure'>,
  message: string,
  parkAfter: number,
): Pick<CouplingStatus, 'failureCount' | 'lastFailure' | 'parked' | 'retryRequested'> {
  const failureCount = status.lastFailure === message ? status.failureCount + 1 : 1;
  return { failureCount, lastFailure: message, parked: failureCount >= parkAfter, retryRequested: false };
}

/** Skip if parked: a parked coupling waits for an action, whatever happens to its records. */
export function isParked(status: Pick<CouplingStatus, 'parked'>): boolean {
  return status.parked;
}

/** A removed coupling's records never sync again (and are not coupled or copied again either). */
export function isUncoupled(status: Pick<CouplingStatus, 'state'>): boolean {
  return status.state === 'UNCOUPLED';
}

/**
 * A job looks at this coupling although its records may not have changed: it was released for retry or
 * failed last time. (PENDING couplings are revisited too, as unfinished inserts.) `CouplingRepository`
 * finds the same couplings in SQL, through the partial index whose predicate says the same.
 */
export function needsAnotherLook(status: Pick<CouplingStatus, 'retryRequested' | 'failureCount'>): boolean {
  return status.retryRequested || status.failureCount > 0;
}
