import { InvalidInputError } from '../errors/invalid-input.error.js';

/**
 * Keyset pagination for every list the API serves. A cursor is the sort key of its row plus the row id,
 * so the next page starts with an indexed `(key, id) < (?, ?)` seek: page 10,000 costs what page 1 costs
 * (no OFFSET). Cursors name their list, so one from another list is refused instead of misread.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export type CursorKey = readonly number[];

/** Which page a caller asks for: its size (`first`) and the cursor it follows (`after`). */
export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** One page of a list, and its total, counted only when asked for (the page itself never needs it). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

/** The page size asked for, 0–200 (default 50); anything else is an `InvalidInputError` on `first`. */
export function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new InvalidInputError('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

export function encodeCursor(list: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/** The sort key a cursor of `list` holds; anything else is an `InvalidInputError` on `after`. */
export function decodeCursor(list: string, after: string | null | undefined, arity: number): CursorKey | null {
  if (after == null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== list ||
    parsed.length !== arity + 1 ||
    !parsed.slice(1).every((value) => Number.isSafeInteger(value))
  ) {
    throw new InvalidInputError('after', 'is not a cursor of this list');
  }
  return parsed.slice(1) as number[];
}

/**
 * Turns `first + 1` fetched rows into a page: the extra row only tells that there is a next page.
 * `after` set means there is a previous page (we came from one).
 */
export function toPage<T>(
  list: string,
  rows: readonly T[],
  size: number,
  hasAfter: boolean,
  key: (row: T) => CursorKey,
  totalCount: () => Promise<number>,
): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(list, key(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasAfter,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
