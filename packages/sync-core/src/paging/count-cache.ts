import type { StoreSqlAccess } from '../db/store-sql.js';

/**
 * `totalCount` over a large SQLite store is the one part of a page that grows with the table (a million
 * matching errors take ~30 ms to count, even through the covering index), and SQLite's driver runs it on
 * the event loop, so every concurrent request waits behind it. A count is therefore reused for as long
 * as the database has not changed at all, which SQLite can tell exactly and cheaply:
 * - `total_changes()` moves on every row this connection writes (Tandem's store is one connection: the
 *   engine, the actions and the API share it);
 * - `data_version` moves when any other connection or process commits to the file.
 * Any write anywhere (a job's progress included) empties the cache, so a count is never stale; it is only
 * skipped while nothing changed. PostgreSQL counts on its pool, off the event loop, and is not cached.
 */
const MAX_ENTRIES = 256;

interface Cache {
  version: string;
  counts: Map<string, Promise<number>>;
}

/** A compiled `count as n` query: its SQL and bound values. */
export interface CountQuery {
  sql: string;
  bindings: readonly unknown[];
}

const caches = new WeakMap<object, Cache>();

/**
 * `count` run once per distinct SQL and bindings until the database changes. Both the version check and
 * the count go through the store's plain-SQL access, whose prepared statements are cached per connection:
 * through the query builder each request prepared them anew, which cost a page more than the cached
 * count saved (profiled under the errors-page benchmark).
 */
export async function cachedCount(store: StoreSqlAccess, cacheOwner: object, count: CountQuery): Promise<number> {
  const run = () =>
    store.session(async (sql) => {
      const rows = await sql.query<{ n: unknown }>(count.sql, count.bindings);
      return Number(rows[0]?.n ?? 0);
    });
  if (store.dialect !== 'sqlite') return run();
  const version = await databaseVersion(store);
  let cache = caches.get(cacheOwner);
  if (!cache || cache.version !== version) {
    cache = { version, counts: new Map() };
    caches.set(cacheOwner, cache);
  }
  const key = `${count.sql}\u0000${JSON.stringify(count.bindings)}`;
  let total = cache.counts.get(key);
  if (!total) {
    if (cache.counts.size >= MAX_ENTRIES) cache.counts.clear();
    total = run();
    cache.counts.set(key, total);
    // A failed count is not remembered: the next request tries again.
    const entries = cache.counts;
    total.catch(() => entries.delete(key));
  }
  return total;
}

async function databaseVersion(store: StoreSqlAccess): Promise<string> {
  const rows = await store.session((sql) =>
    sql.query<{ c: number; v: number }>('select total_changes() as c, data_version as v from pragma_data_version'),
  );
  return `${rows[0]?.c}:${rows[0]?.v}`;
}
