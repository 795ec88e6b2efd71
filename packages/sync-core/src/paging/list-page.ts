import type { EntityManager, Knex } from '@mikro-orm/knex';
import type { EntityRows } from '../db/entity-rows.js';
import { type StoreSqlAccess, storeSqlAccess } from '../db/store-sql.js';
import { cachedCount } from './count-cache.js';
import { type CursorKey, decodeCursor, type Page, type PageRequest, pageSize, toPage } from './keyset-page.js';

export interface ListQuery<Row> {
  /** Names the list inside cursors (a cursor of another list is refused). */
  list: string;
  /** The entity's table and row mapper. */
  rows: EntityRows<Row>;
  /** Sort properties, newest first; the last is the unique id that breaks ties. */
  order: readonly (keyof Row & string)[];
  /** Narrows the list; applied to the page and to the count alike. */
  where?: (query: Knex.QueryBuilder) => void;
  page: PageRequest;
}

/**
 * One page of a newest-first list: `first + 1` rows in one indexed seek (the extra row says whether
 * there is a next page), mapped to plain objects shaped like the entity; the count is deferred.
 * Not managed entities: hydrating 50 rows into the identity map cost more than the rest of the request
 * (profiled under the errors-page benchmark), and a page is only read.
 */
export async function listPage<Row>(em: EntityManager, query: ListQuery<Row>): Promise<Page<Row>> {
  const size = pageSize(query.page.first);
  const after = decodeCursor(query.list, query.page.after, query.order.length);
  const knex = em.getKnex();
  const base = knex(query.rows.table);
  query.where?.(base);
  const page = base.clone().select('*');
  seekDescending(page, query.rows.columnsOf(query.order), after);
  const store = storeOf(em);
  const found = size === 0 ? [] : await runOnStore(store, page.limit(size + 1));
  let total: Promise<number> | null = null;
  const totalCount = () => {
    total ??= cachedCount(store, knex.client, base.clone().count({ n: '*' }).toSQL());
    return total;
  };
  const key = (row: Row): CursorKey => query.order.map((property) => row[property] as number);
  return toPage(query.list, found.map(query.rows.fromRow), size, after !== null, key, totalCount);
}

/** Newest first: `order by key desc, id desc`, starting after the cursor's row. */
function seekDescending(query: Knex.QueryBuilder, columns: readonly string[], after: CursorKey | null): void {
  if (after) {
    // Row-value comparison (SQLite ≥ 3.15, PostgreSQL) lets the planner seek the composite index.
    query.whereRaw(`(${columns.join(', ')}) < (${columns.map(() => '?').join(', ')})`, [...after]);
  }
  for (const column of columns) query.orderBy(column, 'desc');
}

/**
 * Runs a built query through the store's plain-SQL access on its own connection, whose prepared
 * statements are cached: the ORM's driver prepares every statement anew, a large share of a page's cost.
 */
async function runOnStore(store: StoreSqlAccess, query: Knex.QueryBuilder): Promise<Record<string, unknown>[]> {
  const { sql, bindings } = query.toSQL();
  return store.session((session) => session.query(sql, bindings as unknown[]));
}

function storeOf(em: EntityManager): StoreSqlAccess {
  const knex = em.getKnex();
  const dialect = (knex.client as { dialect?: string }).dialect === 'postgresql' ? 'postgresql' : 'sqlite';
  return storeSqlAccess(knex, dialect);
}
