import { describe, expect, it } from 'vitest';
import {
  actionButtonLabel,
  actionCountsFrom,
  actionOutcome,
  confirmationText,
  enabledActions,
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
    expect(text.body).toContain('3 of them cannot be retried (deletions, or no coupling)');
    expect(text.confirmLabel).toBe('Retry all 63 errors');
    expect(confirmationText('RETRY_ALL', all, { runNow: false }).body).toContain('next scheduled job');
    expect(confirmationText('RETRY_ALL', all, { runNow: false }).body).not.toContain('cannot be retried');
    expect(confirmationText('RETRY_ALL', { ...all, what: 'of every mapping' }).title).toBe(
      'Retry all 63 open errors of every mapping?',
    );
    expect(confirmationText('RETRY_ALL', { ...all, count: 1 }, { notRetriable: 1 }).body).toContain(
      '1 of them cannot be retried (a deletion, or no coupling): it is refused and stays open.',
    );
  });

  it('warns that deleting records cannot be undone', () => {
    expect(confirmationText('DELETE_RECORDS', one).body).toContain('cannot be undone');
  });
});

describe("which actions the toolbar enables, from the API's counts", () => {
  const answer = {
    __typename: 'SyncErrorActionCounts',
    total: 2,
    counts: [
      { action: 'RETRY' as const, count: 1 },
      { action: 'SYNCHRONIZE' as const, count: 1 },
      { action: 'RESTORE_RECORDS' as const, count: 1 },
      { action: 'DELETE_RECORDS' as const, count: 0 },
      { action: 'REMOVE_COUPLING' as const, count: 2 },
    ],
  };

  it('enables the actions at least one selected error allows, and says "1 of 2" where not all do', () => {
    const counts = actionCountsFrom(answer);
    expect([...enabledActions(counts)].sort()).toEqual(['REMOVE_COUPLING', 'RESTORE_RECORDS', 'RETRY', 'SYNCHRONIZE']);
    expect(actionButtonLabel('RESTORE_RECORDS', counts?.get('RESTORE_RECORDS'), 2)).toBe('Restore records 1 of 2');
    expect(actionButtonLabel('REMOVE_COUPLING', counts?.get('REMOVE_COUPLING'), 2)).toBe('Remove coupling');
  });

  it('enables nothing until the API has answered, or when it refused', () => {
    expect(enabledActions(actionCountsFrom(undefined)).size).toBe(0);
    expect(enabledActions(actionCountsFrom({ __typename: 'InvalidInputError' })).size).toBe(0);
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
      releasedForRetry: 2,
      retryJob: { id: 'J1' },
    });
    expect(outcome).toMatchObject({ ok: true, jobIds: ['J1'], releasedForRetry: 2, retryJobId: 'J1' });
    // Released, not fixed: the notification never says "succeeded" for a retry.
    expect(outcomeSummary('RETRY', outcome)).toBe('Retry: released 2 records for retry');
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
      releasedForRetry: 0,
      retryJobId: null,
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
