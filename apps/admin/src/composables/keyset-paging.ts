/**
 * Keyset paging with a way back. The API pages forward only (`first/after`), so the URL keeps the cursors
 * of the pages before the one shown: Previous pops the last one. The stack is capped so that a URL stays
 * a reasonable length; past the cap the oldest cursors are dropped, and Previous stops where the stack
 * ends (First page still works), rather than landing on a page that is not the one before.
 */
export interface Paging {
  /** Keyset cursor of the page shown (`endCursor` of the page before); null: the first page. */
  after: string | null;
  /** The `after` of each earlier page but the first (whose `after` is null), oldest first. */
  back: string[];
  /** 1-based number of the page shown. */
  page: number;
}

export const FIRST_PAGE: Paging = { after: null, back: [], page: 1 };

/** Cursors kept for Previous: 20 pages back, a few hundred characters of URL at most for error cursors. */
export const MAX_BACK = 20;

type QueryValue = string | null | (string | null)[] | undefined;

function single(value: QueryValue): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first == null || first === '' ? null : first;
}

/** Reads `after`, `back` and `page`; an inconsistent hand-edited link falls back to what it can trust. */
export function pagingFromQuery(query: Record<string, QueryValue>): Paging {
  const after = single(query.after);
  if (!after) return FIRST_PAGE;
  const back = (single(query.back) ?? '')
    .split(',')
    .filter((cursor) => cursor !== '')
    .slice(-MAX_BACK);
  const page = Number(single(query.page));
  // Without a usable number the page is the one the stack implies (page 1, then one per cursor, then this).
  const least = back.length + 2;
  return { after, back, page: Number.isInteger(page) && page >= least ? page : least };
}

export function queryFromPaging(paging: Paging): Record<string, string> {
  if (!paging.after) return {};
  const query: Record<string, string> = { after: paging.after, page: String(paging.page) };
  if (paging.back.length > 0) query.back = paging.back.join(',');
  return query;
}

/** The page after this one, whose first row follows `endCursor`. */
export function nextPage(paging: Paging, endCursor: string): Paging {
  const back = paging.after ? [...paging.back, paging.after].slice(-MAX_BACK) : paging.back;
  return { after: endCursor, back, page: paging.page + 1 };
}

/** True when Previous leads to exactly the page before (not on page 1, and its cursor was kept). */
export function canGoBack(paging: Paging): boolean {
  return paging.after !== null && (paging.back.length > 0 || paging.page === 2);
}

/** The page before; the first page when there is none to go back to. */
export function previousPage(paging: Paging): Paging {
  if (!canGoBack(paging) || paging.back.length === 0) return FIRST_PAGE;
  return { after: paging.back[paging.back.length - 1] ?? null, back: paging.back.slice(0, -1), page: paging.page - 1 };
}
