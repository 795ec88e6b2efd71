import { describe, expect, it } from 'vitest';
import {
  canEditMappings,
  deletionConflictOptions,
  directionOptions,
  intervalLabel,
  scheduleLabel,
  sideLabel,
  updateConflictOptions,
} from '../../src/composables/table-mapping-labels';

describe('schedule labels', () => {
  it('says "by hand only" for 0, whether enabled or not', () => {
    expect(scheduleLabel(0, true)).toBe('by hand only');
    expect(scheduleLabel(0, false)).toBe('by hand only');
  });

  it('names the interval in the largest whole unit', () => {
    expect(scheduleLabel(30, true)).toBe('every 30 s');
    expect(scheduleLabel(90, true)).toBe('every 90 s');
    expect(scheduleLabel(60, true)).toBe('every 1 min');
    expect(scheduleLabel(300, true)).toBe('every 5 min');
    expect(scheduleLabel(7200, true)).toBe('every 2 h');
    expect(scheduleLabel(86_400, true)).toBe('every 24 h');
    expect(intervalLabel(3601)).toBe('every 3,601 s');
  });

  it('a disabled mapping runs only by hand: its interval is what it does once enabled again', () => {
    expect(scheduleLabel(30, false)).toBe('by hand only (disabled; every 30 s when enabled)');
  });
});

describe('options and roles', () => {
  it('offers every enum value once, each with a label', () => {
    expect(directionOptions().map((option) => option.value)).toEqual([
      'BIDIRECTIONAL',
      'TO_INTEGRATION',
      'FROM_INTEGRATION',
    ]);
    expect(updateConflictOptions().map((option) => option.value)).toEqual([
      'NONE',
      'SEND_UPDATE_TO_INTEGRATION',
      'GET_UPDATE_FROM_INTEGRATION',
    ]);
    expect(deletionConflictOptions().map((option) => option.value)).toEqual([
      'NONE',
      'RESTORE_RECORDS',
      'REMOVE_COUPLING',
    ]);
    for (const option of [...directionOptions(), ...updateConflictOptions(), ...deletionConflictOptions()]) {
      expect(option.label).toMatch(/\w/);
    }
  });

  it('only an admin edits mappings', () => {
    expect(canEditMappings('ADMIN')).toBe(true);
    expect(canEditMappings('OPERATOR')).toBe(false);
    expect(canEditMappings('VIEWER')).toBe(false);
    expect(canEditMappings(null)).toBe(false);
  });

  it('names a side by connector and table', () => {
    expect(sideLabel({ connector: 'erp', table: 'customer' })).toBe('erp · customer');
  });
});
