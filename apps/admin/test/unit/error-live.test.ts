import { describe, expect, it } from 'vitest';
import {
  CURRENT,
  IDLE,
  isBusy,
  type LiveEvent,
  type LiveState,
  liveStep,
  MAX_WAIT_MS,
  SETTLE_MS,
} from '../../src/composables/error-live';

/** Runs events in order against one activity per event; returns every step. */
function run(events: [LiveEvent, boolean][], from: LiveState = CURRENT) {
  let state = from;
  return events.map(([event, busy]) => {
    const step = liveStep(state, event, busy);
    state = step.state;
    return step;
  });
}

const changed = (at: number): LiveEvent => ({ type: 'changed', at });
const settled = (at: number): LiveEvent => ({ type: 'settled', at });
const activity: LiveEvent = { type: 'activity' };
const reread: LiveEvent = { type: 'reread' };

describe('live errors page: when to read the page again', () => {
  it('is busy while rows are ticked, a dialog or the detail panel is open', () => {
    expect(isBusy(IDLE)).toBe(false);
    expect(isBusy({ ...IDLE, selecting: true })).toBe(true);
    expect(isBusy({ ...IDLE, dialogOpen: true })).toBe(true);
    expect(isBusy({ ...IDLE, detailOpen: true })).toBe(true);
  });

  it('idle: a change waits for the burst to settle, then reads the page once, without a notice', () => {
    const [first, timerRan] = run([
      [changed(0), false],
      [settled(SETTLE_MS), false],
    ]);
    expect(first).toEqual({ state: { pendingSince: 0, notice: false }, reread: false, wait: SETTLE_MS });
    expect(timerRan).toEqual({ state: CURRENT, reread: true, wait: null });
  });

  it('a burst restarts the wait at each event and reads once at its end', () => {
    const steps = run([
      [changed(0), false],
      [changed(300), false],
      [changed(900), false],
      [settled(1900), false],
    ]);
    expect(steps.map((step) => step.wait)).toEqual([SETTLE_MS, SETTLE_MS, SETTLE_MS, null]);
    expect(steps.map((step) => step.reread)).toEqual([false, false, false, true]);
    expect(steps.every((step) => !step.state.notice)).toBe(true);
  });

  it('a burst that never pauses is still read once MAX_WAIT_MS after its first event', () => {
    const steps = run([
      [changed(1000), false],
      [changed(1000 + MAX_WAIT_MS - 400), false],
      [changed(1000 + MAX_WAIT_MS + 200), false],
    ]);
    expect(steps.map((step) => step.wait)).toEqual([SETTLE_MS, 400, 0]);
    expect(steps[2]?.state.pendingSince).toBe(1000);
  });

  it('busy: a change shows the notice and reads nothing, however many events come', () => {
    const steps = run([
      [changed(0), true],
      [changed(5000), true],
      [changed(60_000), true],
    ]);
    for (const step of steps) expect(step).toMatchObject({ state: { notice: true }, reread: false, wait: null });
  });

  it('Refresh (or any re-read: an action, another filter or page) clears the notice and what was pending', () => {
    const [, refreshed] = run([
      [changed(0), true],
      [reread, true],
    ]);
    expect(refreshed).toEqual({ state: CURRENT, reread: false, wait: null });
  });

  it('a user who starts something while a burst settles is told instead of having rows moved', () => {
    const [, started, timerRan] = run([
      [changed(0), false],
      [activity, true],
      [settled(SETTLE_MS), true],
    ]);
    expect(started).toEqual({ state: { pendingSince: 0, notice: true }, reread: false, wait: null });
    expect(timerRan?.reread).toBe(false);
    expect(timerRan?.state.notice).toBe(true);
  });

  it('once the user is done, what waited is read after a moment; the notice stays until then', () => {
    const [, done, timerRan] = run([
      [changed(0), true],
      [activity, false],
      [settled(10_000), false],
    ]);
    expect(done).toEqual({ state: { pendingSince: 0, notice: true }, reread: false, wait: SETTLE_MS });
    expect(timerRan).toEqual({ state: CURRENT, reread: true, wait: null });
  });

  it('being done with nothing pending reads nothing', () => {
    expect(liveStep(CURRENT, activity, false)).toEqual({ state: CURRENT, reread: false, wait: null });
    expect(liveStep(CURRENT, activity, true)).toEqual({ state: CURRENT, reread: false, wait: null });
  });

  it('a timer that runs after a re-read (a stale one) does nothing', () => {
    expect(liveStep(CURRENT, settled(5000), false)).toEqual({ state: CURRENT, reread: false, wait: null });
  });

  it('a change while the user is done but the notice still shows keeps it until the read', () => {
    const [, , again, timerRan] = run([
      [changed(0), true],
      [activity, false],
      [changed(500), false],
      [settled(1500), false],
    ]);
    expect(again).toMatchObject({ state: { notice: true }, reread: false });
    expect(again?.wait).toBeLessThanOrEqual(SETTLE_MS);
    expect(timerRan?.reread).toBe(true);
  });
});
