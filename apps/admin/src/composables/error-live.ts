/**
 * When the errors page re-reads itself after `syncErrorsChanged`: the decisions only, no timers or queries
 * (useErrorLive.ts runs them), so that they can be tested one by one.
 *
 * - Nobody is in the middle of something: re-read shortly after an event. A job announces every batch it
 *   writes, so events come in bursts: they are waited out (SETTLE_MS of quiet), but never for longer than
 *   MAX_WAIT_MS, so that a long job still shows its errors while it runs.
 * - Somebody is (rows ticked, a dialog or the detail panel open): rows must not move under their hands, so
 *   the page only says that the errors changed and re-reads when asked to, or once the user is done.
 */

/** Quiet after the last event before the page is read again. */
export const SETTLE_MS = 1000;
/** The longest a change waits for a burst to end. */
export const MAX_WAIT_MS = 5000;

/** What the user is doing on the page that a re-read would disturb. */
export interface Activity {
  /** Rows ticked, or "all matching" selected. */
  selecting: boolean;
  /** The action dialog (confirmation or result) is open. */
  dialogOpen: boolean;
  /** The detail panel of an error is open. */
  detailOpen: boolean;
}

export const IDLE: Activity = { selecting: false, dialogOpen: false, detailOpen: false };

export function isBusy(activity: Activity): boolean {
  return activity.selecting || activity.dialogOpen || activity.detailOpen;
}

export interface LiveState {
  /** When the first change the page does not show yet arrived (ms); null while the page is current. */
  pendingSince: number | null;
  /** Show "Errors changed — Refresh": changes wait because the user is in the middle of something. */
  notice: boolean;
}

export const CURRENT: LiveState = { pendingSince: null, notice: false };

export type LiveEvent =
  /** `syncErrorsChanged` arrived. */
  | { type: 'changed'; at: number }
  /** The timer asked for by the last step ran out. */
  | { type: 'settled'; at: number }
  /** The user started or stopped being in the middle of something. */
  | { type: 'activity' }
  /** The page was read again for another reason (Refresh, an action, another filter or page). */
  | { type: 'reread' };

export interface LiveStep {
  state: LiveState;
  /** Read the page (list or groups, and the counts) again now. */
  reread: boolean;
  /** Start the timer (ms until `settled`), replacing any running one; null stops it. */
  wait: number | null;
}

const CURRENT_STEP: LiveStep = { state: CURRENT, reread: false, wait: null };

/** The timer for pending changes: SETTLE_MS from now, or less when the burst has already lasted long. */
function settleDelay(pendingSince: number, now: number): number {
  return Math.max(0, Math.min(SETTLE_MS, pendingSince + MAX_WAIT_MS - now));
}

/** What an event leads to, given what the user is doing (`busy`, from isBusy) at that moment. */
export function liveStep(state: LiveState, event: LiveEvent, busy: boolean): LiveStep {
  switch (event.type) {
    case 'reread':
      return CURRENT_STEP;
    case 'changed': {
      const pendingSince = state.pendingSince ?? event.at;
      if (busy) return { state: { pendingSince, notice: true }, reread: false, wait: null };
      return { state: { ...state, pendingSince }, reread: false, wait: settleDelay(pendingSince, event.at) };
    }
    case 'settled':
      if (state.pendingSince === null) return CURRENT_STEP;
      // The user started something while the burst settled: they are told instead.
      if (busy) return { state: { ...state, notice: true }, reread: false, wait: null };
      return { state: CURRENT, reread: true, wait: null };
    case 'activity':
      if (state.pendingSince === null) return CURRENT_STEP;
      if (busy) return { state: { ...state, notice: true }, reread: false, wait: null };
      // Done (selection cleared, dialog or panel closed): what waited is shown after a moment, and the
      // notice stays until then so that nothing moves without having been announced.
      return { state, reread: false, wait: SETTLE_MS };
  }
}

/**
 * The page's request to read its lists again, passed down to them: a new `count` asks again. `quiet` when
 * it comes from a live change rather than from the user, so the table keeps its rows without a spinner.
 */
export interface Reread {
  count: number;
  quiet: boolean;
}
