import { type EntityContext, formatRow } from './entity-operations.js';
import type { ApiResponse } from './http/api-types.js';
import { filterToSql } from './odata/filter.js';
import { afterCondition, decodeSkipToken, encodeSkipToken, type OrderColumn, orderSql } from './odata/paging.js';
import type { Preferences, QueryOptions } from './odata/query-options.js';
import type { ResolvedEntitySet } from './schema.js';
import type { StoredValue } from './values.js';

/** Dataverse's page size when the client states none (learn: …/webapi/query/page-results). */
export const DEFAULT_PAGE_SIZE = 5000;

interface ListToken {
  after: StoredValue[];
}
const isListToken = (v: unknown): v is ListToken =>
  !!v && typeof v === 'object' && Array.isArray((v as ListToken).after);

export function contextUrl(ctx: EntityContext, set: ResolvedEntitySet, select?: string[]): string {
  return `${ctx.apiUrl}/$metadata#${set.name}${select ? `(${[...new Set([...select, set.key])].join(',')})` : ''}`;
}

/** The same request URL with `$skiptoken` replaced: what `@odata.nextLink` holds. */
export function linkWith(ctx: EntityContext, set: ResolvedEntitySet, params: URLSearchParams, add: [string, string]) {
  const next = new URLSearchParams(params);
  next.delete('$skiptoken');
  next.delete('$deltatoken');
  next.set(add[0], add[1]);
  if (add[0] === '$skiptoken' && params.get('$deltatoken')) next.set('$deltatoken', params.get('$deltatoken')!);
  return `${ctx.apiUrl}/${set.name}?${next.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
}

/**
 * GET on an entity set: `$filter`, `$orderby` (the primary key breaks ties), `$select`, `$top`, `$count`,
 * and pages of `Prefer: odata.maxpagesize` rows linked by `@odata.nextLink`.
 * (learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview)
 */
export function queryRecords(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  options: QueryOptions,
  prefs: Preferences,
  params: URLSearchParams,
): ApiResponse {
  const where: string[] = [];
  const whereParams: StoredValue[] = [];
  if (options.filter !== undefined) {
    const filter = filterToSql(set, options.filter);
    where.push(filter.sql);
    whereParams.push(...filter.params);
  }
  const order: OrderColumn[] = [...options.orderBy];
  if (!order.some((o) => o.column === set.key)) order.push({ column: set.key, descending: false });
  const pagingParams = [...whereParams];
  const pagingWhere = [...where];
  if (options.skipToken !== undefined) {
    const token = decodeSkipToken(options.skipToken, isListToken);
    const after = afterCondition(order, token.after);
    pagingWhere.push(after.sql);
    pagingParams.push(...after.params);
  }
  const pageSize = options.top ?? prefs.maxPageSize ?? DEFAULT_PAGE_SIZE;
  const whereSql = (clauses: string[]) => (clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '');
  const rows = ctx.store.select(
    `SELECT * FROM "${set.table}"${whereSql(pagingWhere)} ORDER BY ${orderSql(order)} LIMIT ?`,
    [...pagingParams, pageSize + 1],
  );
  const page = rows.slice(0, pageSize);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, set, options.select) };
  if (options.count) {
    const counted = ctx.store.select(`SELECT COUNT(*) AS n FROM "${set.table}"${whereSql(where)}`, whereParams);
    body['@odata.count'] = counted[0]?.n ?? 0;
  }
  body.value = page.map((row) => formatRow(set, row, options.select));
  // $top takes precedence over paging: Dataverse returns no next link for a $top query.
  if (rows.length > pageSize && options.top === undefined) {
    const last = page[page.length - 1]!;
    const token = encodeSkipToken({ after: order.map((o) => last[o.column] ?? null) } satisfies ListToken);
    body['@odata.nextLink'] = linkWith(ctx, set, params, ['$skiptoken', token]);
  }
  const headers: Record<string, string> = {};
  if (prefs.maxPageSize !== undefined) headers['Preference-Applied'] = `odata.maxpagesize=${prefs.maxPageSize}`;
  return { status: 200, headers, body };
}
