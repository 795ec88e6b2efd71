import type { EntityManager, Knex } from '@mikro-orm/knex';
import { cachedCount } from './count-cache.js';
import { type CursorKey, decodeCursor, type Page, pageSize, seekDescending, toPage } from './pagination.js';

export interface ListQuery<T> {
  /** Names the list inside cursors (a cursor of another list is refused). */
  list: string;
  table: string;
  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's EntityName generic does not narrow to T here.
  entity: any;
  /** Sort columns, newest first; the last is the unique id that breaks ties. */
  columns: readonly string[];
  key: (row: T) => CursorKey;
  /** Adds the list's filter; applied to the page and to the count alike. */
  where: (query: Knex.QueryBuilder) => void;
  first: number | null | undefined;
  after: string | null | undefined;
}

/**
 * One page of a newest-first list: `first + 1` rows in one indexed seek (the extra row says whether
 * there is a next page), mapped to entities of the request's EntityManager; the count is deferred.
 */
export async function listPage<T>(em: EntityManager, query: ListQuery<T>): Promise<Page<T>> {
  const size = pageSize(query.first);
  const after = decodeCursor(query.list, query.after, query.columns.length);
  const knex = em.getKnex();
  const base = knex(query.table);
  query.where(base);
  const page = base.clone().select('*');
  seekDescending(page, query.columns, after);
  const rows: Record<string, unknown>[] = size === 0 ? [] : await page.limit(size + 1);
  const entities = rows.map((row) => em.map(query.entity, row) as T);
  let total: Promise<number> | null = null;
  const totalCount = () => {
    total ??= cachedCount(knex, base.clone().count({ n: '*' }));
    return total;
  };
  return toPage(query.list, entities, size, after !== null, query.key, totalCount);
}
