import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/knex';
import { MikroORM as LibSqlOrm } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PostgreSqlOrm } from '@mikro-orm/postgresql';
import { ALL_ENTITIES } from '../entities/index.js';
import { MIGRATIONS } from '../migrations/index.js';
import { parseDatabaseUrl, type StoreDialect } from './database-url.js';
import { sqlitePool } from './sqlite-connection.js';
import { type StoreSqlAccess, storeSqlAccess } from './store-sql.js';
import { walCheckpointer } from './wal-checkpointer.js';

export type { StoreDialect } from './database-url.js';

/** Tandem's own database: the ORM plus the dialect, which the set-based SQL in repositories needs. */
export interface Store {
  orm: MikroORM;
  dialect: StoreDialect;
  /** A fresh EntityManager fork: one per request, job or action. */
  em(): EntityManager;
  /** Plain SQL for the set-based hot paths (the engine's batches, bulk actions). */
  sql: StoreSqlAccess;
  close(): Promise<void>;
}

export interface CreateStoreOptions {
  /** `sqlite:./data/tandem.sqlite`, `sqlite::memory:` or `postgres://user@host:5432/db`. */
  url: string;
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  debug?: boolean;
}

/** Opens Tandem's store, tuned for a job writing while the API reads, and migrates it. */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const parsed = parseDatabaseUrl(options.url);
  const common = {
    entities: ALL_ENTITIES,
    debug: options.debug ?? false,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
  };
  let orm: MikroORM;
  let checkpointed: string | null = null;
  if (parsed.dialect === 'sqlite') {
    if (parsed.path !== ':memory:') mkdirSync(dirname(parsed.path), { recursive: true });
    // Every connection of the pool is set up alike (WAL, busy timeout, immediate transactions…), also
    // the ones the driver opens later: see sqlite-connection.ts.
    orm = (await LibSqlOrm.init({ ...common, dbName: parsed.path, pool: sqlitePool })) as unknown as MikroORM;
    if (parsed.path !== ':memory:') checkpointed = parsed.path;
  } else {
    orm = (await PostgreSqlOrm.init({
      ...common,
      clientUrl: parsed.url,
      pool: { min: 0, max: 10 },
    })) as unknown as MikroORM;
  }
  if (options.migrate ?? true) await orm.getMigrator().up();
  if (checkpointed) walCheckpointer.watch(checkpointed);
  return {
    orm,
    dialect: parsed.dialect,
    em: () => orm.em.fork() as EntityManager,
    sql: storeSqlAccess((orm.em as EntityManager).getKnex(), parsed.dialect),
    close: async () => {
      await orm.close(true);
      if (checkpointed) await walCheckpointer.unwatch(checkpointed);
    },
  };
}
