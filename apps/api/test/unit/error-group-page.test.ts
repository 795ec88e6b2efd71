import type { SyncErrorGroup } from '@tandem/sync-core';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/invalid-input.error.js';
import { errorGroupPage } from '../../src/graphql/error-group-page.js';

const group = (
  mappingId: number,
  kind: SyncErrorGroup['kind'],
  messagePattern: string,
  count: number,
): SyncErrorGroup => ({
  mappingId,
  kind,
  messagePattern,
  example: messagePattern,
  count,
  lastOccurredAt: 0,
});

const GROUPS = [
  group(2, 'WRITE_FAILED', 'value "…" too long', 7),
  group(1, 'UPDATE_CONFLICT', 'Both records changed since the last sync: name', 40),
  group(1, 'WRITE_FAILED', 'CHECK constraint failed', 7),
  group(3, 'LOCAL_RECORD_DELETED', 'The local record # was deleted', 2),
];

describe('error group pages', () => {
  it('pages largest group first, ties in a fixed order, and resumes after a cursor', () => {
    const first = errorGroupPage(GROUPS, 2, null);
    expect(first.edges.map((e) => [e.node.mappingId, e.node.count])).toEqual([
      [1, 40],
      [1, 7],
    ]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = errorGroupPage(GROUPS, 2, first.pageInfo.endCursor);
    expect(second.edges.map((e) => [e.node.mappingId, e.node.count])).toEqual([
      [2, 7],
      [3, 2],
    ]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('counts every group and refuses a cursor of another list', async () => {
    expect(await errorGroupPage(GROUPS, 1, null).totalCount()).toBe(4);
    expect(() => errorGroupPage(GROUPS, 1, Buffer.from('["errors",1,2]').toString('base64url'))).toThrow(
      InvalidInputError,
    );
  });
});
