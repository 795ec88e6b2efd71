import { describe, expect, it } from 'vitest';
import { nameFailure } from '../../src/composables/error-failure';

const mapping = { id: 'VGFibGVNYXBwaW5nOjE=', name: 'customers' };

describe('naming the failed items of an action', () => {
  it('names a failure from its error, off-page ones included: mapping, kind, both records with their log links', () => {
    const named = nameFailure(
      {
        errorId: 'U3luY0Vycm9yOjc=',
        code: 'ACTION_NOT_APPLICABLE',
        reason: 'restore applies to deletions',
        error: { id: 'U3luY0Vycm9yOjc=', kind: 'UPDATE_CONFLICT', localId: '42', integrationId: 'acc-9', mapping },
      },
      new Map(),
    );
    expect(named).toEqual({
      errorId: 'U3luY0Vycm9yOjc=',
      title: 'customers · Update conflict · 42',
      code: 'ACTION_NOT_APPLICABLE',
      reason: 'restore applies to deletions',
      records: [
        {
          side: 'LOCAL',
          label: 'local 42',
          to: { name: 'record-log', query: { mapping: mapping.id, side: 'LOCAL', record: '42' } },
        },
        {
          side: 'INTEGRATION',
          label: 'integration acc-9',
          to: { name: 'record-log', query: { mapping: mapping.id, side: 'INTEGRATION', record: 'acc-9' } },
        },
      ],
    });
  });

  it('a deleted side has no id: only the record that exists is linked', () => {
    const named = nameFailure(
      {
        errorId: 'e1',
        code: 'WRITE_FAILED',
        reason: 'constraint',
        error: { id: 'e1', kind: 'INTEGRATION_RECORD_DELETED', localId: '7', integrationId: null, mapping },
      },
      new Map([['e1', 'row label']]),
    );
    expect(named.title).toBe('customers · Deleted in integration · 7');
    expect(named.records.map((record) => record.label)).toEqual(['local 7']);
  });

  it('an error the API no longer knows falls back to the row label, else to its id', () => {
    const failure = { errorId: 'e2', code: 'NOT_FOUND', reason: 'no such error', error: null };
    expect(nameFailure(failure, new Map([['e2', 'customers · Update conflict · 3']])).title).toBe(
      'customers · Update conflict · 3',
    );
    expect(nameFailure(failure, new Map())).toMatchObject({ title: 'e2', records: [] });
  });
});
