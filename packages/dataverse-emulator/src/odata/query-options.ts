import { badQuery } from '../errors.js';
import type { ResolvedEntitySet } from '../schema.js';

/**
 * The system query options the emulator understands: $select, $filter, $orderby, $top, $count, plus the
 * server-issued $skiptoken and $deltatoken. Anything else starting with `$` is refused, as Dataverse refuses
 * what it does not support, rather than silently ignored.
 */
export interface QueryOptions {
  select?: string[];
  filter?: string;
  orderBy: { column: string; descending: boolean }[];
  top?: number;
  count: boolean;
  skipToken?: string;
  deltaToken?: string;
}

const KNOWN = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$skiptoken', '$deltatoken']);

function unknownProperty(set: ResolvedEntitySet, name: string) {
  return badQuery(`Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${set.logicalName}'.`);
}

export function parseQueryOptions(set: ResolvedEntitySet, params: URLSearchParams): QueryOptions {
  for (const name of params.keys()) {
    if (name.startsWith('$') && !KNOWN.has(name)) {
      throw badQuery(`The query parameter '${name}' is not supported by this emulator.`);
    }
  }
  const options: QueryOptions = { orderBy: [], count: false };
  const select = params.get('$select');
  if (select !== null) {
    options.select = select.split(',').map((s) => s.trim());
    for (const name of options.select) if (!set.columns.has(name)) throw unknownProperty(set, name);
  }
  const filter = params.get('$filter');
  if (filter !== null) options.filter = filter;
  const orderBy = params.get('$orderby');
  if (orderBy !== null) {
    for (const part of orderBy.split(',')) {
      const [column = '', direction = 'asc', ...extra] = part.trim().split(/\s+/);
      if (!set.columns.has(column)) throw unknownProperty(set, column);
      if (extra.length > 0 || (direction !== 'asc' && direction !== 'desc')) {
        throw badQuery(`Syntax error in $orderby at '${part.trim()}': expected a property and asc or desc.`);
      }
      options.orderBy.push({ column, descending: direction === 'desc' });
    }
  }
  const top = params.get('$top');
  if (top !== null) {
    if (!/^\d+$/.test(top)) throw badQuery(`Invalid value '${top}' for $top query option: a whole number is expected.`);
    options.top = Number(top);
  }
  const count = params.get('$count');
  if (count !== null) {
    if (count !== 'true' && count !== 'false') throw badQuery(`Invalid value '${count}' for $count: true or false.`);
    options.count = count === 'true';
  }
  options.skipToken = params.get('$skiptoken') ?? undefined;
  options.deltaToken = params.get('$deltatoken') ?? undefined;
  return options;
}

/** Parses `Prefer` (comma-separated preferences, e.g. `odata.maxpagesize=100, return=representation`). */
export interface Preferences {
  maxPageSize?: number;
  trackChanges: boolean;
  returnRepresentation: boolean;
  continueOnError: boolean;
}

export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { trackChanges: false, returnRepresentation: false, continueOnError: false };
  for (const raw of (header ?? '').split(',')) {
    const [name = '', value] = raw
      .trim()
      .split('=')
      .map((s) => s.trim().replace(/^"|"$/g, ''));
    const lower = name.toLowerCase();
    if (lower === 'odata.maxpagesize' && value && /^\d+$/.test(value) && Number(value) > 0) {
      prefs.maxPageSize = Number(value);
    } else if (lower === 'odata.track-changes') prefs.trackChanges = true;
    else if (lower === 'return' && value === 'representation') prefs.returnRepresentation = true;
    else if (lower === 'odata.continue-on-error') prefs.continueOnError = true;
  }
  return prefs;
}
