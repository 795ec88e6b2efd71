import { afterEach, describe, expect, it } from 'vitest';
import type {
  ChangeCursor,
  Connector,
  ConnectorRegistry,
  DeltaPage,
  TableConnector,
} from '../../src/connectors/connector.js';
import { withTableOverrides } from '../support/connector-doubles.js';
import { couplingsOf, errorsOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

/**
 * The engine's side of change tracking (engine/delta-pass.ts), with a CRM whose table tracks changes the
 * way Dataverse does: pages of changes since a token, tombstones for deletions, a token that can expire.
 * The CRM is the fixture's real SQLite table; the tracking over it is the test's (the Dataverse connector
 * itself is tested against the emulator).
 */
class ChangeTracker {
  /** Ids deleted, in order: the tombstones. */
  readonly tombstones: string[] = [];
  /** Tokens issued before this count as expired. */
  generation = 1;
  reads = 0;

  /** `readDelta` over the real table: records after the token's cursor, then the tombstones since. */
  async readDelta(
    table: TableConnector,
    token: string | null,
    limit: number,
    fields: readonly string[],
  ): Promise<DeltaPage> {
    this.reads++;
    let state = token ? (JSON.parse(token) as { cursor: ChangeCursor | null; seen: number; generation: number }) : null;
    const restarted = state !== null && state.generation !== this.generation;
    if (!state || restarted) state = { cursor: null, seen: this.tombstones.length, generation: this.generation };
    const records = await table.readChanges(state.cursor, limit, fields);
    const done = records.length < limit;
    const last = records.at(-1);
    const cursor = last ? { modifiedUs: last.modifiedUs, id: last.id } : state.cursor;
    const deletedIds = done ? this.tombstones.slice(state.seen) : [];
    const next = { cursor, seen: done ? this.tombstones.length : state.seen, generation: this.generation };
    return { records, deletedIds, token: JSON.stringify(next), done, restarted };
  }
}

describe('change tracking through a connector that has it', () => {
  let fx: SyncFixture;
  let tracker: ChangeTracker;
  let connectors: ConnectorRegistry;
  afterEach(async () => fx?.close());

  async function setUp() {
    // Deletion scans are not due within these tests: a deletion must come from a tombstone.
    fx = await createSyncFixture('sqlite', {}, { deletionScanSeconds: 3600, batchSize: 2, initialBatchSize: 2 });
    tracker = new ChangeTracker();
    const tracked = withTableOverrides(new Map([['crm', fx.connectors.get('crm')!]]), {
      readDelta: (table, token, limit, fields) => tracker.readDelta(table, token, limit, fields),
    });
    connectors = new Map<string, Connector>([
      ['erp', fx.connectors.get('erp')!],
      ['crm', tracked.get('crm')!],
    ]);
  }

  async function sync(full = false) {
    return fx.sync({ full, connectors });
  }

  async function addAccount(name: string, email: string): Promise<string> {
    const id = `acc-${name}`;
    await fx.crm.run('insert into account (accountid, name, emailaddress1, modifiedon) values (?, ?, ?, ?)', [
      id,
      name,
      email,
      fx.stamp('crm'),
    ]);
    return id;
  }

  it('reads the CRM through its delta token page by page and keeps the token as the checkpoint', async () => {
    await setUp();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await addAccount(name, `${name}@example.com`);
    const first = await sync();
    expect(first.counters).toMatchObject({ inserted: 5, failed: 0 });
    expect(await fx.erp.all('select name from customer order by name')).toHaveLength(5);
    const [checkpoint] = await fx.store
      .em()
      .getConnection()
      .execute<Array<{ delta_token: string | null }>>(
        `select delta_token from sync_checkpoint where mapping_id = ${fx.mappingId} and side = 'INTEGRATION'`,
      );
    expect(JSON.parse(checkpoint!.delta_token!)).toMatchObject({ generation: 1 });
    // The next job starts from the token: only what changed since comes back.
    const readsBefore = tracker.reads;
    await fx.crm.run("update account set name = 'c2', modifiedon = ? where accountid = 'acc-c'", [fx.stamp('crm')]);
    const second = await sync();
    expect(second.counters).toMatchObject({ modified: 1, inserted: 0 });
    expect(tracker.reads - readsBefore).toBeLessThanOrEqual(2);
    expect(await fx.erp.all("select name from customer where name = 'c2'")).toHaveLength(1);
  });

  it('turns a tombstone into INTEGRATION_RECORD_DELETED in a normal job, without a deletion scan', async () => {
    await setUp();
    const gone = await addAccount('gone', 'gone@example.com');
    await addAccount('kept', 'kept@example.com');
    await sync();
    // Deleted without a tombstone: nothing says so yet (no scan is due).
    await fx.crm.run('delete from account where accountid = ?', [gone]);
    await sync();
    expect(await errorsOf(fx.store, fx.mappingId, 'OPEN')).toEqual([]);
    tracker.tombstones.push(gone);
    const outcome = await sync();
    expect(outcome.status).toBe('PARTIAL');
    const open = await errorsOf(fx.store, fx.mappingId, 'OPEN');
    expect(open.map((e) => [e.kind, e.integrationId])).toEqual([['INTEGRATION_RECORD_DELETED', gone]]);
    const kept = (await couplingsOf(fx.store, fx.mappingId)).find((c) => c.integrationId === 'acc-kept');
    expect(kept).toMatchObject({ parked: false, state: 'COUPLED' });
    expect(await fx.erp.all('select count(*) as n from customer')).toEqual([{ n: 2 }]);
  });

  it('reads everything again when the token expired, says so, and duplicates nothing', async () => {
    await setUp();
    await addAccount('a', 'a@example.com');
    await addAccount('b', 'b@example.com');
    await sync();
    tracker.generation++;
    const outcome = await sync();
    expect(outcome.notices).toEqual([
      'the change-tracking token of integration table "account" expired: reading every record again',
    ]);
    expect(outcome.counters).toMatchObject({ inserted: 0, failed: 0 });
    expect(await fx.erp.all('select count(*) as n from customer')).toEqual([{ n: 2 }]);
    expect(await couplingsOf(fx.store, fx.mappingId)).toHaveLength(2);
  });
});
