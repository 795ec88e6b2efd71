import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { createStore, type Store } from '../../src/db/orm.js';
import { acquireMappingLease, readMappingLease } from '../../src/jobs/mapping-lease.js';
import { saveTableMapping } from '../../src/mappings/table-mapping.repository.js';
import { type ScratchDatabase, scratchDatabase } from '../support/databases.js';

const customers = {
  name: 'customers',
  local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
  integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon', externalKey: 'erp_id' },
  fields: [{ local: 'name', integration: 'name' }],
};

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

/**
 * A writer that meets another writer's lock waits its turn without holding its thread: on the API's thread
 * a blocked wait froze every request while a job's batch committed (docs/JOBS.md, "SQLite: writers take
 * turns"). The other writer here is a second connection on the same thread — with SQLite's own busy
 * handler sleeping in the thread, it could never commit, and the write would fail after the busy timeout.
 */
describe('SQLite store: a write that meets another writer’s lock', () => {
  let db: ScratchDatabase;
  let store: Store;
  let other: InstanceType<typeof Database> | undefined;
  afterEach(async () => {
    other?.close();
    await store?.close();
    await db?.drop();
  });

  async function storeWithOtherWriter() {
    db = await scratchDatabase('sqlite', 'lock-wait');
    store = await createStore({ url: db.url });
    const mappingId = await saveTableMapping(store.em(), customers);
    const parsed = parseDatabaseUrl(db.url);
    if (parsed.dialect !== 'sqlite') throw new Error('expected a SQLite url');
    other = new Database(parsed.path);
    other.exec('pragma busy_timeout = 0');
    return { mappingId, other };
  }

  it('through the ORM: the thread goes on while it waits, and the write lands once the lock is free', async () => {
    const { mappingId, other } = await storeWithOtherWriter();
    other.exec('begin immediate');
    other.exec("update table_mapping set name = 'renamed by the other writer'");

    let settled = false;
    const acquiring = acquireMappingLease(store.em(), { mappingId, owner: 'worker-1', ttlMs: 60_000 }).finally(() => {
      settled = true;
    });
    await turn();
    await turn();
    expect(settled).toBe(false);
    expect(other.prepare('select owner from mapping_lease').all()).toEqual([]);

    other.exec('commit');
    expect(await acquiring).toBe(true);
    expect((await readMappingLease(store.em(), mappingId))?.owner).toBe('worker-1');
    // The other writer's change stands beside ours.
    const [mapping] = await store.em().getConnection().execute('select name from table_mapping');
    expect(mapping?.name).toBe('renamed by the other writer');
  });

  it('through the plain-SQL access: a transaction waits for the lock the same way, and commits whole', async () => {
    const { mappingId, other } = await storeWithOtherWriter();
    other.exec('begin immediate');

    let settled = false;
    const writing = store.sql
      .transaction(async (sql) => {
        await sql.run('insert into mapping_lease (mapping_id, owner, acquired_at, expires_at) values (?, ?, ?, ?)', [
          mappingId,
          'worker-2',
          1,
          2,
        ]);
        return sql.run('update table_mapping set schedule_seconds = ? where id = ?', [45, mappingId]);
      })
      .finally(() => {
        settled = true;
      });
    await turn();
    await turn();
    expect(settled).toBe(false);

    other.exec('rollback');
    expect(await writing).toBe(1);
    const rows = await store.sql.session((sql) =>
      sql.query('select l.owner, m.schedule_seconds from mapping_lease l join table_mapping m on m.id = l.mapping_id'),
    );
    expect(rows).toEqual([{ owner: 'worker-2', schedule_seconds: 45 }]);
  });

  it('writers waiting side by side take their turns in order, each statement applied once', async () => {
    const { mappingId, other } = await storeWithOtherWriter();
    other.exec('begin immediate');
    const first = acquireMappingLease(store.em(), { mappingId, owner: 'worker-1', ttlMs: 60_000 });
    const second = acquireMappingLease(store.em(), { mappingId, owner: 'worker-2', ttlMs: 60_000 });
    await turn();
    other.exec('commit');
    expect(await Promise.all([first, second])).toEqual([true, false]);
    expect(other.prepare('select owner from mapping_lease').all()).toEqual([{ owner: 'worker-1' }]);
  });
});
