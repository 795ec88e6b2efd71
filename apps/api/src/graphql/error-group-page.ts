import type { SyncErrorGroup } from '@tandem/sync-core';
import { type Page, pageSize } from '@tandem/sync-core';
import { InvalidInputError } from '../errors/invalid-input.error.js';

/** Largest group first; ties in a fixed order (mapping, kind, pattern), so that cursors are stable. */
function compareGroups(a: SyncErrorGroup, b: SyncErrorGroup): number {
  return (
    b.count - a.count ||
    a.mappingId - b.mappingId ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.messagePattern < b.messagePattern ? -1 : a.messagePattern > b.messagePattern ? 1 : 0)
  );
}

type GroupKey = Pick<SyncErrorGroup, 'count' | 'mappingId' | 'kind' | 'messagePattern'>;

function encodeGroupCursor(group: GroupKey): string {
  return Buffer.from(
    JSON.stringify(['errorGroups', group.count, group.mappingId, group.kind, group.messagePattern]),
    'utf8',
  ).toString('base64url');
}

function decodeGroupCursor(after: string): GroupKey {
  try {
    const [list, count, mappingId, kind, messagePattern] = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (
      list === 'errorGroups' &&
      Number.isInteger(count) &&
      Number.isInteger(mappingId) &&
      typeof kind === 'string' &&
      typeof messagePattern === 'string'
    ) {
      return { count, mappingId, kind, messagePattern } as GroupKey;
    }
  } catch {
    // fall through: not one of our cursors
  }
  throw new InvalidInputError('after', 'is not a cursor of this list');
}

/**
 * A page of error groups. Groups are counted by one GROUP BY over the open errors (the whole set each
 * time, whatever the page), so paging is a keyset over that sorted set: the page after a cursor starts at
 * the first group that sorts after it, and a deep page costs what the first one does.
 */
export function errorGroupPage(
  groups: readonly SyncErrorGroup[],
  first: number | null | undefined,
  after: string | null | undefined,
): Page<SyncErrorGroup> {
  const size = pageSize(first);
  const sorted = [...groups].sort(compareGroups);
  const from = after ? decodeGroupCursor(after) : null;
  const rest = from ? sorted.filter((group) => compareGroups(group, from as SyncErrorGroup) > 0) : sorted;
  const nodes = rest.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeGroupCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rest.length > size,
      hasPreviousPage: from !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: async () => groups.length,
  };
}
