import { badQuery } from '../errors.js';
import type { StoredValue } from '../values.js';
import type { SqlCondition } from './filter.js';

/**
 * Server-driven paging: `Prefer: odata.maxpagesize=N` caps a page, and `@odata.nextLink` carries an opaque
 * `$skiptoken` (learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results). The token
 * holds the sort values of the last row sent, so the next page starts after that row (keyset paging, as
 * Dataverse's paging cookie does): rows written between pages neither shift nor repeat the pages.
 */
export interface OrderColumn {
  column: string;
  descending: boolean;
}

export function encodeSkipToken(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeSkipToken<T>(token: string, check: (value: unknown) => value is T): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badQuery('The $skiptoken is not valid: use the @odata.nextLink the service returned, unchanged.');
  }
  if (!check(parsed)) {
    throw badQuery('The $skiptoken is not valid: use the @odata.nextLink the service returned, unchanged.');
  }
  return parsed;
}

/**
 * "Rows after `last` in this order". SQLite sorts NULL first ascending (and last descending), so a NULL sort
 * value is handled explicitly instead of compared.
 */
export function afterCondition(order: OrderColumn[], last: StoredValue[]): SqlCondition {
  const alternatives: string[] = [];
  const params: StoredValue[] = [];
  order.forEach((current, i) => {
    const parts: string[] = [];
    const partParams: StoredValue[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`"${order[j]!.column}" IS ?`);
      partParams.push(last[j] ?? null);
    }
    const value = last[i] ?? null;
    const col = `"${current.column}"`;
    if (!current.descending) {
      if (value === null) parts.push(`${col} IS NOT NULL`);
      else {
        parts.push(`${col} > ?`);
        partParams.push(value);
      }
    } else if (value === null) {
      return; // nothing sorts after NULL when descending
    } else {
      parts.push(`(${col} < ? OR ${col} IS NULL)`);
      partParams.push(value);
    }
    alternatives.push(`(${parts.join(' AND ')})`);
    params.push(...partParams);
  });
  return { sql: alternatives.length > 0 ? `(${alternatives.join(' OR ')})` : '(0)', params };
}

export function orderSql(order: OrderColumn[]): string {
  return order.map((o) => `"${o.column}" ${o.descending ? 'DESC' : 'ASC'}`).join(', ');
}
