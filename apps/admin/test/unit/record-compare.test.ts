import { describe, expect, it } from 'vitest';
import { formatValue } from '../../src/composables/labels';
import {
  type ComparedField,
  chooseField,
  chooseRecordWinner,
  fieldWinnersInput,
  initialWinnerChoice,
  synchronizePlan,
  valuesDiffer,
  winnerOf,
} from '../../src/composables/record-compare';

function field(
  localField: string,
  local: unknown,
  integration: unknown,
  change: Partial<ComparedField> = {},
): ComparedField {
  return {
    localField,
    integrationField: `crm_${localField}`,
    local,
    integration,
    lastSyncedLocal: null,
    lastSyncedIntegration: null,
    conflicting: false,
    changedLocally: null,
    changedInIntegration: null,
    ...change,
  };
}

const FIELDS = [
  field('name', 'Ada', 'Ada L.', { conflicting: true }),
  field('email', 'a@x', 'a@y'),
  field('city', 'Oslo', 'Oslo'),
];

describe('record comparison', () => {
  it('formats values: strings as they are, the rest as JSON, a missing one as a dash', () => {
    expect(formatValue('Ada')).toBe('Ada');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it('compares values as JSON', () => {
    expect(valuesDiffer({ local: 1, integration: '1' })).toBe(true);
    expect(valuesDiffer({ local: null, integration: undefined })).toBe(false);
    expect(valuesDiffer({ local: 'Oslo', integration: 'Oslo' })).toBe(false);
  });
});

describe('field winners → fieldWinners input', () => {
  it('sends nothing while every field follows the record winner', () => {
    expect(fieldWinnersInput(initialWinnerChoice(), FIELDS)).toEqual([]);
  });

  it('sends only fields picked against the record winner, in the mapping order', () => {
    let choice = initialWinnerChoice('LOCAL');
    choice = chooseField(choice, 'email', 'INTEGRATION');
    choice = chooseField(choice, 'name', 'INTEGRATION');
    expect(fieldWinnersInput(choice, FIELDS)).toEqual([
      { field: 'name', winner: 'INTEGRATION' },
      { field: 'email', winner: 'INTEGRATION' },
    ]);
    expect(winnerOf(choice, 'city')).toBe('LOCAL');
  });

  it('picking the record side again drops the override', () => {
    const choice = chooseField(chooseField(initialWinnerChoice('LOCAL'), 'email', 'INTEGRATION'), 'email', 'LOCAL');
    expect(choice.overrides).toEqual({});
  });

  it('changing the record winner keeps the picks that still differ from it', () => {
    const picked = chooseField(initialWinnerChoice('LOCAL'), 'email', 'INTEGRATION');
    const flipped = chooseRecordWinner(picked, 'INTEGRATION');
    expect(flipped).toEqual({ winner: 'INTEGRATION', overrides: {} });
    const other = chooseRecordWinner(chooseField(flipped, 'name', 'LOCAL'), 'INTEGRATION');
    expect(fieldWinnersInput(other, FIELDS)).toEqual([{ field: 'name', winner: 'LOCAL' }]);
  });

  it('the confirmation names which side overwrites which differing fields', () => {
    const choice = chooseField(initialWinnerChoice('LOCAL'), 'email', 'INTEGRATION');
    expect(synchronizePlan(choice, FIELDS)).toBe(
      "Local values overwrite the integration record's crm_name. Integration values overwrite the local record's email.",
    );
    expect(synchronizePlan(choice, [FIELDS[2]!])).toContain('nothing needs to be overwritten');
  });
});
