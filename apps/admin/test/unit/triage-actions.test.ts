import { describe, expect, it } from 'vitest';
import {
  actionOutcome,
  confirmationText,
  enabledActions,
  outcomeSummary,
  TRIAGE_ACTIONS,
} from '../../src/composables/triage-actions';

const three = { kind: 'ids' as const, ids: ['1', '2', '3'], count: 3 };
const one = { kind: 'ids' as const, ids: ['1'], count: 1 };
const many = { kind: 'filter' as const, count: 1234 };

describe('confirmation text', () => {
  it('states how many records and what happens, for every action', () => {
    for (const action of TRIAGE_ACTIONS) {
      const text = confirmationText(action, three);
      expect(text.title).toContain('3 selected records');
      expect(text.confirmLabel).toContain('3 records');
      expect(text.body.length).toBeGreaterThan(40);
    }
  });

  it('names "all N matching the filter" with a thousands separator, and singular for one', () => {
    expect(confirmationText('DELETE_RECORDS', many).title).toBe('Delete all 1,234 records matching the filter?');
    expect(confirmationText('REMOVE_COUPLING', one).title).toBe('Remove the coupling of 1 selected record?');
    expect(confirmationText('REMOVE_COUPLING', one).confirmLabel).toBe('Remove coupling of 1 record');
  });

  it('follows the options: retry now or on schedule, the winning side of synchronize', () => {
    expect(confirmationText('RETRY', one, { runNow: true }).body).toContain('queued now');
    expect(confirmationText('RETRY', one, { runNow: false }).body).toContain('next scheduled job');
    expect(confirmationText('SYNCHRONIZE', one, { winner: 'INTEGRATION' }).body).toMatch(
      /^The integration values win: they overwrite the local record/,
    );
    expect(confirmationText('SYNCHRONIZE', one).body).toMatch(/^The local values win/);
  });

  it('warns that deleting records cannot be undone', () => {
    expect(confirmationText('DELETE_RECORDS', one).body).toContain('cannot be undone');
  });
});

describe('which actions the toolbar enables', () => {
  it('picked rows: the union of the actions that apply to them', () => {
    const rows = [{ actions: ['RETRY', 'REMOVE_COUPLING'] as const }, { actions: ['RESTORE_RECORDS'] as const }];
    expect([...enabledActions(three, rows)].sort()).toEqual(['REMOVE_COUPLING', 'RESTORE_RECORDS', 'RETRY']);
  });

  it('all matching: every action (the API refuses per item); nothing selected: none', () => {
    expect(enabledActions(many, []).size).toBe(TRIAGE_ACTIONS.length);
    expect(enabledActions(null, []).size).toBe(0);
  });
});

describe('action outcome', () => {
  it('reads the per-item result', () => {
    const outcome = actionOutcome({
      __typename: 'SyncErrorActionResult',
      requested: 3,
      succeeded: 2,
      failed: 1,
      failures: [{ errorId: 'e3', code: 'ACTION_NOT_APPLICABLE', reason: 'not a deletion' }],
    });
    expect(outcome).toEqual({
      ok: true,
      requested: 3,
      succeeded: 2,
      failed: 1,
      failures: [{ errorId: 'e3', code: 'ACTION_NOT_APPLICABLE', reason: 'not a deletion' }],
    });
    expect(outcomeSummary('RESTORE_RECORDS', outcome)).toBe('Restore records: 2 records succeeded, 1 record failed');
  });

  it('turns a typed error into a refusal with its message', () => {
    const outcome = actionOutcome({ __typename: 'ForbiddenError', code: 'FORBIDDEN', message: 'needs OPERATOR' });
    expect(outcome).toEqual({ ok: false, message: 'needs OPERATOR' });
    expect(outcomeSummary('RETRY', outcome)).toBe('Retry failed: needs OPERATOR');
    expect(actionOutcome(undefined).ok).toBe(false);
  });
});
