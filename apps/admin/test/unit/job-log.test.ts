import { describe, expect, it } from 'vitest';
import { actionsFromQuery, actionsToQuery, changedFields, jobLogRow } from '../../src/composables/job-log';

describe('job log rows', () => {
  it('groups the written fields by the side written', () => {
    expect(
      changedFields([
        { field: 'name', side: 'INTEGRATION' },
        { field: 'city', side: 'LOCAL' },
        { field: 'email', side: 'INTEGRATION' },
      ]),
    ).toBe('name, email → integration · city → local');
    expect(changedFields([])).toBe('');
  });

  it('labels the action and direction, and keeps both record ids for their links', () => {
    const row = jobLogRow({
      id: 'e1',
      action: 'FAILED',
      direction: 'TO_INTEGRATION',
      message: 'name too long',
      occurredAt: '2026-11-26T10:00:00.000Z',
      localId: '7',
      integrationId: null,
      changes: [],
    });
    expect(row).toMatchObject({
      actionLabel: 'Write failed',
      tagType: 'error',
      direction: 'local → integration',
      localId: '7',
      integrationId: null,
      message: 'name too long',
    });
    expect(
      jobLogRow({
        ...row,
        action: 'UNCHANGED',
        direction: null,
        message: null,
        changes: [],
        occurredAt: '2026-11-26T10:00:00.000Z',
      }),
    ).toMatchObject({
      actionLabel: 'Unchanged',
      direction: '—',
      message: '',
    });
  });

  it('reads the action filter from the URL, dropping names the API does not know', () => {
    expect(actionsFromQuery('FAILED,CONFLICT')).toEqual(['FAILED', 'CONFLICT']);
    expect(actionsFromQuery('FAILED,DROP TABLE')).toEqual(['FAILED']);
    expect(actionsFromQuery(undefined)).toEqual([]);
    expect(actionsFromQuery(['INSERT,UPDATE'])).toEqual(['INSERT', 'UPDATE']);
    expect(actionsToQuery(['FAILED', 'CONFLICT'])).toBe('FAILED,CONFLICT');
    expect(actionsToQuery([])).toBeUndefined();
  });
});
