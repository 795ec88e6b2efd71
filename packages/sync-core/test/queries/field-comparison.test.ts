import { describe, expect, it } from 'vitest';
import type { ResolvedField } from '../../src/mappings/resolved-mapping.js';
import { applicableActions } from '../../src/queries/applicable-actions.js';
import { compareFields, parseFieldList, parseSnapshot } from '../../src/queries/field-comparison.js';

const field = (localField: string, integrationField: string): ResolvedField => ({
  localField,
  integrationField,
  direction: 'BIDIRECTIONAL',
  constant: undefined,
  transform: null,
  useForMatch: false,
  matchPriority: 0,
  caseSensitive: false,
  clearValueOnFailedSync: false,
});

describe('compareFields', () => {
  it('compares as the engine does (12 equals "12"), and says "unknown" without a snapshot or a record', () => {
    const [credit, name] = compareFields({
      fields: [field('credit', 'creditlimit'), field('name', 'fullname')],
      local: { credit: 12, name: 'Ada' },
      integration: null,
      lastSyncedLocal: { credit: '12' },
      lastSyncedIntegration: { creditlimit: 12, fullname: 'Ada' },
      conflicting: ['fullname'],
    });
    expect(credit).toMatchObject({ changedLocally: false, changedInIntegration: null, conflicting: false });
    // A field added to the mapping after the last sync has no snapshot value: unknown, not changed.
    expect(name).toMatchObject({ changedLocally: null, conflicting: true, integration: null });
  });

  it('reads damaged JSON as nothing rather than failing the view', () => {
    expect(parseFieldList('not json')).toEqual([]);
    expect(parseFieldList('{"a":1}')).toEqual([]);
    expect(parseSnapshot('[1]')).toBeNull();
    expect(parseSnapshot(null)).toBeNull();
  });
});

describe('applicableActions', () => {
  it('follows docs/TRIAGE.md by kind, and offers nothing for a resolved error', () => {
    expect(applicableActions('UPDATE_CONFLICT', 'OPEN')).toEqual(['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE']);
    expect(applicableActions('WRITE_FAILED', 'OPEN')).toEqual(['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE']);
    expect(applicableActions('LOCAL_RECORD_DELETED', 'OPEN')).toEqual([
      'REMOVE_COUPLING',
      'RESTORE_RECORDS',
      'DELETE_RECORDS',
    ]);
    expect(applicableActions('INTEGRATION_RECORD_DELETED', 'OPEN')).toEqual([
      'REMOVE_COUPLING',
      'RESTORE_RECORDS',
      'DELETE_RECORDS',
    ]);
    expect(applicableActions('WRITE_FAILED', 'RESOLVED')).toEqual([]);
  });
});
