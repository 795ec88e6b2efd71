import type { EntityManager, Knex } from '@mikro-orm/knex';
import { storeSqlAccess } from '@tandem/sync-core';
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
 * there is a next page), mapped to plain objects shaped like the entity; the count is deferred.
 * Not managed entities: hydrating 50 rows into the identity map cost more than the rest of the request
 * (profiled under the errors-page benchmark), and a page is only read.
 */
export async function listPage<T>(em: EntityManager, query: ListQuery<T>): Promise<Page<T>> {
  const size = pageSize(query.first);
  const after = decodeCursor(query.list, query.after, query.columns.length);
  const knex = em.getKnex();
  const base = knex(query.table);
  query.where(base);
  const page = base.clone().select('*');
  seekDescending(page, query.columns, after);
  const rows = size === 0 ? [] : await runOnStore(em, page.limit(size + 1));
  const toPlain = plainMapper(em, query.entity);
  const entities = rows.map((row) => toPlain(row) as T);
  let total: Promise<number> | null = null;
  const totalCount = () => {
    total ??= cachedCount(knex, base.clone().count({ n: '*' }));
    return total;
  };
  return toPage(query.list, entities, size, after !== null, query.key, totalCount);
}

/** Maps a raw row to the entity's property names and JS types (ids and timestamps as numbers, booleans). */
function plainMapper(em: EntityManager, entity: unknown): (row: Record<string, unknown>) => Record<string, unknown> {
  const meta = em.getMetadata().get((entity as { meta?: { className: string } }).meta?.className ?? (entity as string));
  const props = Object.values(meta.properties).flatMap((prop) => {
    const column = prop.fieldNames?.[0];
    if (!column) return [];
    const type = String(prop.runtimeType ?? prop.type).toLowerCase();
    const convert =
      type === 'number'
        ? (value: unknown) => (value === null || value === undefined ? null : Number(value))
        : type === 'boolean'
          ? (value: unknown) =>
              value === null || value === undefined ? null : value === true || value === 1 || value === '1'
          : (value: unknown) => value ?? null;
    return [{ name: prop.name, column, convert }];
  });
  return (row) => {
    const plain: Record<string, unknown> = {};
    for (const { name, column, convert } of props) plain[name] = convert(row[column]);
    return plain;
  };
}

/**
 * Runs a built query through sync-core's plain-SQL access on the store's own connection, whose prepared
 * statements are cached: the ORM's driver prepares every statement anew, a large share of a page's cost.
 */
async function runOnStore(em: EntityManager, query: Knex.QueryBuilder): Promise<Record<string, unknown>[]> {
  const knex = em.getKnex();
  const dialect = (knex.client as { dialect?: string }).dialect === 'postgresql' ? 'postgresql' : 'sqlite';
  const { sql, bindings } = query.toSQL();
  return storeSqlAccess(knex, dialect).session((store) => store.query(sql, bindings as unknown[]));
}
