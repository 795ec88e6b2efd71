import { describe, expect, it } from 'vitest';
import {
  actionOutcome,
  actionsForKind,
  confirmationText,
  enabledActions,
  notRetriable,
  outcomeSummary,
  TRIAGE_ACTIONS,
} from '../../src/composables/triage-actions';

const three = { kind: 'ids' as const, ids: ['1', '2', '3'], count: 3 };
const one = { kind: 'ids' as const, ids: ['1'], count: 1 };
const many = { kind: 'filter' as const, count: 1234, filter: { statuses: ['OPEN' as const] } };

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

  it('names a group by its pattern', () => {
    const group = { ...many, count: 12, what: 'in the group “conflict on <s>” (customers)' };
    expect(confirmationText('SYNCHRONIZE', group).title).toBe(
      'Synchronize all 12 records in the group “conflict on <s>” (customers) now?',
    );
  });

  it('retry all states the count, when the jobs run, and which errors it will refuse', () => {
    const all = { ...many, count: 63 };
    const text = confirmationText('RETRY_ALL', all, { runNow: true, notRetriable: 3 });
    expect(text.title).toBe('Retry all 63 open errors matching the filter?');
    expect(text.body).toContain('queued now');
    expect(text.body).toContain('3 of them are deletions');
    expect(text.confirmLabel).toBe('Retry all 63 errors');
    expect(confirmationText('RETRY_ALL', all, { runNow: false }).body).toContain('next scheduled job');
    expect(confirmationText('RETRY_ALL', all, { runNow: false }).body).not.toContain('deletion');
    expect(confirmationText('RETRY_ALL', { ...all, what: 'of every mapping' }).title).toBe(
      'Retry all 63 open errors of every mapping?',
    );
    expect(confirmationText('RETRY_ALL', { ...all, count: 1 }, { notRetriable: 1 }).body).toContain(
      '1 of them is a deletion: retry needs both records, so it is refused and stays open.',
    );
  });

  it('counts the deletions among open errors (what retry refuses)', () => {
    expect(
      notRetriable([
        { kind: 'UPDATE_CONFLICT', count: 60 },
        { kind: 'LOCAL_RECORD_DELETED', count: 2 },
        { kind: 'INTEGRATION_RECORD_DELETED', count: 1 },
        { kind: 'WRITE_FAILED', count: 4 },
      ]),
    ).toBe(3);
    expect(notRetriable([])).toBe(0);
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

describe('actions a group offers', () => {
  it('both records exist: retry, synchronize, remove coupling', () => {
    expect(actionsForKind('UPDATE_CONFLICT')).toEqual(['RETRY', 'SYNCHRONIZE', 'REMOVE_COUPLING']);
    expect(actionsForKind('WRITE_FAILED')).toEqual(['RETRY', 'SYNCHRONIZE', 'REMOVE_COUPLING']);
  });

  it('one side deleted: restore, delete, remove coupling', () => {
    expect(actionsForKind('LOCAL_RECORD_DELETED')).toEqual(['RESTORE_RECORDS', 'DELETE_RECORDS', 'REMOVE_COUPLING']);
    expect(actionsForKind('INTEGRATION_RECORD_DELETED')).toEqual([
      'RESTORE_RECORDS',
      'DELETE_RECORDS',
      'REMOVE_COUPLING',
    ]);
  });
});

describe('action outcome', () => {
  it('lists the jobs a retry queued', () => {
    const outcome = actionOutcome({
      __typename: 'SyncErrorActionResult',
      requested: 2,
      succeeded: 2,
      failed: 0,
      failures: [],
      jobs: [{ id: 'J1' }],
    });
    expect(outcome).toMatchObject({ ok: true, jobIds: ['J1'] });
  });

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
      jobIds: [],
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
