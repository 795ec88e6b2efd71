import { describe, expect, it } from 'vitest';
import { retryWouldRepeat } from '../../src/actions/retry-outlook.js';

/** The judgement the console shows before a retry ("Retry would meet the same conflict"). */
const conflict = (fields: Parameters<typeof retryWouldRepeat>[0]['fields']) =>
  retryWouldRepeat({ kind: 'UPDATE_CONFLICT', status: 'OPEN', fields, unavailable: [] });

describe('whether a retry would meet the same update conflict', () => {
  it('repeats while a field is changed on both sides to different values', () => {
    expect(
      conflict([
        { local: 'Lund', integration: 'Malmö', changedLocally: true, changedInIntegration: true },
        { local: 'Ada', integration: 'Ada', changedLocally: false, changedInIntegration: false },
      ]),
    ).toBe(true);
  });

  it('does not repeat when both sides now agree (the engine syncs that), or when one side alone changed', () => {
    expect(conflict([{ local: 'Visby', integration: 'Visby', changedLocally: true, changedInIntegration: true }])).toBe(
      false,
    );
    // Stored shapes differ (a number on one side, its text on the other): the engine compares them as equal.
    expect(conflict([{ local: 5, integration: '5', changedLocally: true, changedInIntegration: true }])).toBe(false);
    expect(conflict([{ local: 'Lund', integration: 'Malmö', changedLocally: true, changedInIntegration: false }])).toBe(
      false,
    );
  });

  it('gives no judgement for other kinds, resolved errors, or a side that could not be read', () => {
    const fields = [{ local: 'a', integration: 'b', changedLocally: true, changedInIntegration: true }];
    expect(retryWouldRepeat({ kind: 'WRITE_FAILED', status: 'OPEN', fields, unavailable: [] })).toBeNull();
    expect(retryWouldRepeat({ kind: 'UPDATE_CONFLICT', status: 'RESOLVED', fields, unavailable: [] })).toBeNull();
    expect(retryWouldRepeat({ kind: 'UPDATE_CONFLICT', status: 'OPEN', fields, unavailable: [{}] })).toBeNull();
  });
});
