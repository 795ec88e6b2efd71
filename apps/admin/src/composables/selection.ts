import type { ApiErrorFilter } from './error-filter';

/**
 * Row selection on the errors page: some rows of the page, or every error matching the filter (which
 * the action then receives as `filter`, so that it also covers errors on pages never loaded). It lives in
 * the URL (`selected=<id>,<id>` or `selected=all`) so that a link reproduces it.
 */
export interface Selection {
  ids: ReadonlySet<string>;
  allMatching: boolean;
}

/**
 * What an action is sent: ids, or a filter the server applies to every OPEN error matching it. `what`
 * names the filter in the confirmation ("matching the filter", "in the group …").
 */
export type ActionScope =
  | { kind: 'ids'; ids: string[]; count: number }
  | { kind: 'filter'; count: number; filter: ApiErrorFilter; what?: string };

export const EMPTY_SELECTION: Selection = { ids: new Set(), allMatching: false };

/** The URL value of "every error matching this filter". */
const ALL = 'all';

export function selectRows(ids: Iterable<string>): Selection {
  return { ids: new Set(ids), allMatching: false };
}

export function selectAllMatching(): Selection {
  return { ids: new Set(), allMatching: true };
}

type QueryValue = string | null | (string | null)[] | undefined;

/**
 * Reads `selected`. Only a page's rows can be picked, so more ids than a page holds (`cap`) is a link
 * that was not made here: the extra ids are dropped rather than sent.
 */
export function selectionFromQuery(value: QueryValue, cap: number): Selection {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return EMPTY_SELECTION;
  if (raw === ALL) return selectAllMatching();
  const ids = [...new Set(raw.split(',').filter((id) => id !== ''))].slice(0, cap);
  return ids.length > 0 ? selectRows(ids) : EMPTY_SELECTION;
}

export function queryFromSelection(selection: Selection, cap: number): Record<string, string> {
  if (selection.allMatching) return { selected: ALL };
  if (selection.ids.size === 0) return {};
  return { selected: [...selection.ids].slice(0, cap).join(',') };
}

/**
 * The selection as far as the page shows it: an id from a link whose error has left this page since (it
 * was resolved, or newer errors pushed it down) is not acted on unseen.
 */
export function onPage(selection: Selection, pageIds: readonly string[]): Selection {
  if (selection.allMatching) return selection;
  const shown = pageIds.filter((id) => selection.ids.has(id));
  return shown.length === selection.ids.size ? selection : selectRows(shown);
}

/** Offer "select all N matching" once the whole page is selected and the list holds more than the page. */
export function canOfferAllMatching(selection: Selection, pageIds: readonly string[], totalCount: number): boolean {
  return (
    !selection.allMatching &&
    pageIds.length > 0 &&
    totalCount > pageIds.length &&
    pageIds.every((id) => selection.ids.has(id))
  );
}

export function actionScope(selection: Selection, totalCount: number, filter: ApiErrorFilter): ActionScope | null {
  if (selection.allMatching) return totalCount > 0 ? { kind: 'filter', count: totalCount, filter } : null;
  if (selection.ids.size === 0) return null;
  const ids = [...selection.ids];
  return { kind: 'ids', ids, count: ids.length };
}
