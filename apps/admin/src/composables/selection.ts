/**
 * Row selection on the errors page: some rows of the page, or every error matching the filter (which
 * the action then receives as `filter`, so that it also covers errors on pages never loaded).
 */
export interface Selection {
  ids: ReadonlySet<string>;
  allMatching: boolean;
}

export type ActionScope = { kind: 'ids'; ids: string[]; count: number } | { kind: 'filter'; count: number };

export const EMPTY_SELECTION: Selection = { ids: new Set(), allMatching: false };

export function selectRows(ids: Iterable<string>): Selection {
  return { ids: new Set(ids), allMatching: false };
}

export function selectAllMatching(): Selection {
  return { ids: new Set(), allMatching: true };
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

export function actionScope(selection: Selection, totalCount: number): ActionScope | null {
  if (selection.allMatching) return totalCount > 0 ? { kind: 'filter', count: totalCount } : null;
  if (selection.ids.size === 0) return null;
  const ids = [...selection.ids];
  return { kind: 'ids', ids, count: ids.length };
}
