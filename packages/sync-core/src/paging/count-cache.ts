import type { Knex } from '@mikro-orm/knex';

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

const caches = new WeakMap<object, Cache>();

function isSqlite(knex: Knex): boolean {
  return (knex.client as { dialect?: string }).dialect === 'sqlite3';
}

async function databaseVersion(knex: Knex): Promise<string> {
  const rows = (await knex.raw('select total_changes() as c, data_version as v from pragma_data_version')) as {
    c: number;
    v: number;
  }[];
  return `${rows[0]?.c}:${rows[0]?.v}`;
}

/** `count` (a `count as n` query) run once per distinct SQL until the database changes. */
export async function cachedCount(knex: Knex, count: Knex.QueryBuilder): Promise<number> {
  const run = () => count.then((rows: Record<string, unknown>[]) => Number(rows[0]?.n ?? 0));
  if (!isSqlite(knex)) return run();
  const version = await databaseVersion(knex);
  let cache = caches.get(knex.client);
  if (!cache || cache.version !== version) {
    cache = { version, counts: new Map() };
    caches.set(knex.client, cache);
  }
  const key = count.toString();
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
