import { describe, expect, it } from 'vitest';
import {
  changeValue,
  isComplete,
  type LogEntry,
  lookupFromQuery,
  queryFromLookup,
  timelineItems,
} from '../../src/composables/record-log';

function entry(id: string, occurredAt: string, change: Partial<LogEntry> = {}): LogEntry {
  return {
    id,
    action: 'UPDATE',
    actor: 'job',
    direction: 'TO_INTEGRATION',
    message: null,
    occurredAt,
    localId: 'p-1',
    integrationId: 'crm-p-1',
    job: { id: 'J1' },
    changes: [],
    ...change,
  };
}

describe('record log lookup in the URL', () => {
  it('round-trips mapping, side and record id', () => {
    const lookup = lookupFromQuery({ mapping: 'M1', side: 'INTEGRATION', record: ' crm-p-2 ' });
    expect(lookup).toEqual({ mappingId: 'M1', side: 'INTEGRATION', recordId: 'crm-p-2' });
    expect(queryFromLookup(lookup)).toEqual({ mapping: 'M1', side: 'INTEGRATION', record: 'crm-p-2' });
    expect(isComplete(lookup)).toBe(true);
  });

  it('falls back to the local side and is incomplete without a mapping or id', () => {
    const lookup = lookupFromQuery({ side: 'SIDEWAYS' });
    expect(lookup.side).toBe('LOCAL');
    expect(isComplete(lookup)).toBe(false);
    expect(isComplete({ mappingId: 'M1', side: 'LOCAL', recordId: '  ' })).toBe(false);
  });
});

describe('timeline', () => {
  it('is newest first, with labels, who acted and the direction', () => {
    const items = timelineItems([
      entry('1', '2026-11-26T10:00:00.000Z', { action: 'INSERT' }),
      entry('3', '2026-11-26T12:00:00.000Z', { action: 'UNCOUPLE', actor: 'ops key', direction: null, job: null }),
      entry('2', '2026-11-26T11:00:00.000Z', { action: 'FAILED', message: 'too long' }),
    ]);
    expect(items.map((item) => [item.id, item.title, item.type])).toEqual([
      ['3', 'Uncoupled', 'warning'],
      ['2', 'Write failed', 'error'],
      ['1', 'Inserted', 'success'],
    ]);
    expect(items[0]?.byline).toBe('by ops key');
    expect(items[0]?.jobId).toBeNull();
    expect(items[1]?.byline).toBe('by a sync job · local → integration');
    expect(items[1]?.message).toBe('too long');
  });

  it('shows changed fields before and after as values, not JSON text', () => {
    const [item] = timelineItems([
      entry('1', '2026-11-26T10:00:00.000Z', {
        changes: [
          { field: 'name', side: 'INTEGRATION', before: '"Ada"', after: '"Ada L."' },
          { field: 'price', side: 'LOCAL', before: null, after: '12.5' },
        ],
      }),
    ]);
    expect(item?.changes).toEqual([
      { field: 'name', side: 'integration', before: 'Ada', after: 'Ada L.' },
      { field: 'price', side: 'local', before: '—', after: '12.5' },
    ]);
    expect(changeValue('not json')).toBe('not json');
  });
});
