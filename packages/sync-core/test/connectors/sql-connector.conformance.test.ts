import Database from 'libsql';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ChangeCursor,
  type SourceRecord,
  TableNotFoundError,
  type TableSpec,
  TransientConnectorError,
} from '../../src/connectors/connector.js';
import type { FilterCondition } from '../../src/connectors/record-filter.js';
import { mapSqliteError, SqlConnector } from '../../src/connectors/sql/index.js';
import { type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { BASE_US, createCustomerSql, RawDatabase, resolutionUs, TABLE_CASES, type TableCase } from './sql-fixtures.js';

const SPEC: TableSpec = { table: 'customer', idColumn: 'id', modifiedColumn: 'modified_at' };
const FIELDS = ['name', 'email', 'score'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reads every change page by page, as the engine does, with the cursor taken from each page's last record. */
async function readAllChanges(
  read: (after: ChangeCursor | null) => Promise<SourceRecord[]>,
  limit: number,
): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  let after: ChangeCursor | null = null;
  for (let page = 0; page < 1000; page++) {
    const records = await read(after);
    all.push(...records);
    if (records.length < limit) return all;
    const last = records.at(-1)!;
    after = { modifiedUs: last.modifiedUs, id: last.id };
  }
  throw new Error('change reading did not end');
}

const caseName = (c: TableCase) => `${c.dialect}, ${c.ids} ids, ${c.modified} modified-on`;

describe.each(TABLE_CASES.map((c) => [caseName(c), c] as const))('SQL connector on %s', (_name, c) => {
  let db: ScratchDatabase;
  let raw: RawDatabase;
  let connector: SqlConnector;

  beforeAll(async () => {
    db = await scratchDatabase(c.dialect, 'sqlconn');
    raw = await RawDatabase.open(c, db.url);
  });
  afterAll(async () => {
    await raw?.close();
    await db?.drop();
  });
  beforeEach(async (context) => {
    await raw.query('drop table if exists customer');
    await raw.query(createCustomerSql(c));
    connector = SqlConnector.open('app', db.url);
    context.onTestFinished(() => connector.close());
  });

  const table = (spec: Partial<TableSpec> = {}) => connector.openTable({ ...SPEC, ...spec });

  it('describes the columns, with the id default the database has', async () => {
    const columns = await table().describe();
    expect(columns.map((col) => col.name)).toEqual(['id', 'name', 'email', 'score', 'modified_at']);
    expect(columns.find((col) => col.name === 'id')?.hasDefault).toBe(c.ids === 'integer');
    expect(columns.find((col) => col.name === 'name')?.nullable).toBe(false);
    expect(columns.find((col) => col.name === 'email')?.nullable).toBe(true);
  });

  it('throws TableNotFoundError for a table that does not exist, from describe and from reads', async () => {
    const missing = table({ table: 'no_such_table' });
    await expect(missing.describe()).rejects.toBeInstanceOf(TableNotFoundError);
    await expect(missing.readChanges(null, 10, FIELDS)).rejects.toMatchObject({ table: 'no_such_table' });
  });

  it('reads changes in keyset pages without missing or repeating records that share one modified-on value', async () => {
    const sameUs = BASE_US + 5_000_000;
    const ids = await raw.seed([
      ...Array.from({ length: 4 }, (_, i) => ({ name: `early ${i}`, modifiedUs: BASE_US + i * 1_000_000 })),
      ...Array.from({ length: 20 }, (_, i) => ({ name: `same ${i}`, modifiedUs: sameUs })),
      ...Array.from({ length: 3 }, (_, i) => ({ name: `late ${i}`, modifiedUs: sameUs + (i + 1) * 1_000_000 })),
    ]);
    const connectorTable = table();
    const read = await readAllChanges((after) => connectorTable.readChanges(after, 7, FIELDS), 7);

    expect(read).toHaveLength(27);
    expect(new Set(read.map((r) => r.id)).size).toBe(27);
    expect(new Set(read.map((r) => r.id))).toEqual(new Set(ids));
    // Ordered by (modified-on, id), and every modified-on is the stored one.
    const stored = new Map((await raw.rows()).map((r) => [r.id, r]));
    for (const record of read) expect(record.modifiedUs).toBe(stored.get(record.id)!.modifiedUs);
    const modified = read.map((r) => r.modifiedUs);
    expect(modified).toEqual([...modified].sort((a, b) => a - b));
    expect(read.filter((r) => r.modifiedUs === sameUs)).toHaveLength(20);
    expect(read[0]!.values).toEqual({ name: 'early 0', email: null, score: null });
  });

  it('reads a modified-on value back exactly and uses it as a cursor exactly', async () => {
    // On PostgreSQL these differ by one microsecond; on SQLite by one millisecond.
    const step = resolutionUs(c);
    const exact = BASE_US + 123_457 * step;
    const [first, second, third] = await raw.seed([
      { name: 'a', modifiedUs: exact },
      { name: 'b', modifiedUs: exact + step },
      { name: 'c', modifiedUs: exact + 2 * step },
    ]);
    const records = await table().readChanges(null, 10, ['name']);
    expect(records.map((r) => [r.id, r.modifiedUs])).toEqual([
      [first, exact],
      [second, exact + step],
      [third, exact + 2 * step],
    ]);
    const after = await table().readChanges({ modifiedUs: records[1]!.modifiedUs, id: records[1]!.id }, 10, ['name']);
    expect(after.map((r) => r.id)).toEqual([third]);
  });

  it('leaves out fields the table does not have', async () => {
    await raw.seed([{ name: 'a', modifiedUs: BASE_US }]);
    const [record] = await table().readChanges(null, 10, ['name', 'not_a_column']);
    expect(record!.values).toEqual({ name: 'a' });
    expect(record!.values.not_a_column).toBeUndefined();
  });

  it('limits reads with the filter expression', async () => {
    await raw.seed([
      { name: 'low', score: 1, modifiedUs: BASE_US },
      { name: 'high', score: 50, modifiedUs: BASE_US + 1000 },
      { name: 'none', modifiedUs: BASE_US + 2000 },
      { name: 'higher', score: 99, modifiedUs: BASE_US + 3000 },
    ]);
    // An OR inside the filter must not escape the keyset condition: the connector parenthesises it.
    const filtered = table({ filter: "score > 10 or name = 'higher'" });
    const changes = await filtered.readChanges(null, 10, ['name']);
    expect(changes.map((r) => r.values.name)).toEqual(['high', 'higher']);
    const afterFirst = await filtered.readChanges({ modifiedUs: changes[0]!.modifiedUs, id: changes[0]!.id }, 10, [
      'name',
    ]);
    expect(afterFirst.map((r) => r.values.name)).toEqual(['higher']);
    const found = await filtered.findByField('name', ['low', 'high'], ['name'], true);
    expect(found.map((r) => r.values.name)).toEqual(['high']);
  });

  it('inserts rows and returns the ids and modified-on values a fresh read finds', async () => {
    const before = Date.now() * 1000;
    const results = await table().insert([
      { name: 'Ann', email: 'ann@example.com', score: 3 },
      { name: 'Bob', score: 4 },
      { name: 'Cid', email: 'cid@example.com' },
    ]);
    const after = Date.now() * 1000;
    expect(results.every((r) => r.ok)).toBe(true);
    const ok = results.map((r) => (r.ok ? r : null)!);
    for (const r of ok) {
      if (c.ids === 'integer') expect(r.id).toMatch(/^\d+$/);
      else expect(r.id).toMatch(UUID);
      expect(r.modifiedUs).toBeGreaterThanOrEqual(before - 1000);
      expect(r.modifiedUs).toBeLessThanOrEqual(after + 1000);
    }
    const stored = await raw.rows();
    expect(stored).toHaveLength(3);
    const byId = new Map(stored.map((r) => [r.id, r]));
    expect(ok.map((r) => byId.get(r.id)?.name)).toEqual(['Ann', 'Bob', 'Cid']);
    expect(ok.map((r) => byId.get(r.id)?.modifiedUs)).toEqual(ok.map((r) => r.modifiedUs));
    expect(byId.get(ok[1]!.id)).toMatchObject({ email: null, score: 4 });
    const fresh = await table().getByIds(
      ok.map((r) => r.id),
      FIELDS,
    );
    expect(new Map(fresh.map((r) => [r.id, r.modifiedUs]))).toEqual(new Map(ok.map((r) => [r.id, r.modifiedUs])));
  });

  it('fails a NOT NULL or CHECK violating row alone and stores the good rows around it', async () => {
    const results = await table().insert([
      { name: 'good 1' },
      { name: null, email: 'nameless@example.com' },
      { name: 'good 2', score: 5 },
      { name: 'negative', score: -1 },
      { name: 'good 3' },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true]);
    const notNull = results[1]!;
    const check = results[3]!;
    if (notNull.ok || check.ok) throw new Error('expected failures');
    expect(notNull.message).toMatch(/not[- ]null|null value/i);
    expect(notNull.detail).toBeTruthy();
    expect(check.message).toMatch(/check/i);
    const stored = await raw.rows();
    expect(stored.map((r) => r.name).sort()).toEqual(['good 1', 'good 2', 'good 3']);
    const okIds = results.flatMap((r) => (r.ok ? [r.id] : []));
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(okIds));
  });

  it('fails a row naming an unknown column, on insert and on update, and writes the others', async () => {
    const inserted = await table().insert([{ name: 'a', shoe_size: 42 }, { name: 'b' }]);
    expect(inserted[0]).toMatchObject({ ok: false, message: expect.stringContaining('"shoe_size"') });
    expect(inserted[1]!.ok).toBe(true);
    const id = inserted[1]!.ok ? inserted[1]!.id : '';
    const updated = await table().update([
      { id, values: { name: 'b2', colour: 'red' } },
      { id, values: { name: 'b3' } },
    ]);
    expect(updated[0]).toMatchObject({ ok: false, message: expect.stringContaining('"colour"') });
    expect(updated[1]!.ok).toBe(true);
    expect((await raw.rows()).map((r) => r.name)).toEqual(['b3']);
  });

  it('updates rows by id, fails a missing id alone, and bumps modified-on strictly', async () => {
    const future = (Date.now() + 3_600_000) * 1000;
    const [old, ahead, untouched] = await raw.seed([
      { name: 'old', modifiedUs: BASE_US },
      // Modified-on ahead of the clock: the update must still move it forward.
      { name: 'ahead', modifiedUs: future },
      { name: 'untouched', modifiedUs: BASE_US },
    ]);
    const missingId = c.ids === 'integer' ? '999999' : '00000000-0000-4000-8000-000000000000';
    const before = Date.now() * 1000;
    const results = await table().update([
      { id: old!, values: { name: 'old renamed', score: 7 } },
      { id: missingId, values: { name: 'ghost' } },
      { id: ahead!, values: { email: 'ahead@example.com' } },
    ]);
    expect(results[1]).toEqual({ ok: false, message: 'record not found' });
    const stored = new Map((await raw.rows()).map((r) => [r.id, r]));
    expect(results[0]).toEqual({ ok: true, id: old, modifiedUs: stored.get(old!)!.modifiedUs });
    expect(results[2]).toEqual({ ok: true, id: ahead, modifiedUs: stored.get(ahead!)!.modifiedUs });
    expect(stored.get(old!)).toMatchObject({ name: 'old renamed', score: 7 });
    expect(stored.get(old!)!.modifiedUs).toBeGreaterThanOrEqual(before - 1000);
    expect(stored.get(ahead!)).toMatchObject({ name: 'ahead', email: 'ahead@example.com' });
    expect(stored.get(ahead!)!.modifiedUs).toBe(future + resolutionUs(c));
    expect(stored.get(untouched!)).toMatchObject({ name: 'untouched', modifiedUs: BASE_US });
    expect(stored.size).toBe(3);
  });

  it('fails an update the database refuses alone, keeping the other rows of the call', async () => {
    const [a, b] = await raw.seed([
      { name: 'a', modifiedUs: BASE_US },
      { name: 'b', modifiedUs: BASE_US },
    ]);
    const results = await table().update([
      { id: a!, values: { score: -5 } },
      { id: b!, values: { score: 5 } },
    ]);
    expect(results[0]).toMatchObject({ ok: false, message: expect.stringMatching(/check/i) });
    expect(results[1]!.ok).toBe(true);
    const stored = new Map((await raw.rows()).map((r) => [r.id, r]));
    expect(stored.get(a!)).toMatchObject({ score: null, modifiedUs: BASE_US });
    expect(stored.get(b!)!.score).toBe(5);
  });

  it('gives each updated row a modified-on later than the one it had, even twice in one call', async () => {
    const [id] = await raw.seed([{ name: 'x', modifiedUs: BASE_US }]);
    const results = await table().update([
      { id: id!, values: { score: 1 } },
      { id: id!, values: { score: 2 } },
    ]);
    const [first, second] = results.map((r) => (r.ok ? r.modifiedUs : Number.NaN));
    expect(first).toBeGreaterThan(BASE_US);
    expect(second).toBeGreaterThan(first!);
    expect((await raw.rows())[0]).toMatchObject({ score: 2, modifiedUs: second });
  });

  it('finds records by field, case-insensitively when asked', async () => {
    await raw.seed([
      { name: 'Ann', email: 'Ann@Example.com', modifiedUs: BASE_US },
      { name: 'Bob', email: 'bob@example.com', modifiedUs: BASE_US },
      { name: 'Cid', email: null, modifiedUs: BASE_US },
    ]);
    const exact = await table().findByField('email', ['ann@example.com', 'bob@example.com', null], ['name'], true);
    expect(exact.map((r) => r.values.name)).toEqual(['Bob']);
    const folded = await table().findByField('email', ['ANN@example.COM'], ['name', 'email'], false);
    expect(folded.map((r) => r.values)).toEqual([{ name: 'Ann', email: 'Ann@Example.com' }]);
    await expect(table().findByField('nope', ['x'], ['name'], true)).rejects.toThrow(/nope/);
  });

  it('inserts 2,000 rows and gets them back by 2,000 ids in chunks', async () => {
    const results = await table().insert(Array.from({ length: 2000 }, (_, i) => ({ name: `n${i}`, score: i })));
    expect(results.filter((r) => r.ok)).toHaveLength(2000);
    const ids = results.flatMap((r) => (r.ok ? [r.id] : []));
    expect(new Set(ids).size).toBe(2000);
    const stored = await raw.rows();
    expect(stored).toHaveLength(2000);
    // Results come back in the order of the rows given.
    const byId = new Map(stored.map((r) => [r.id, r.name]));
    expect(ids.map((id) => byId.get(id))).toEqual(Array.from({ length: 2000 }, (_, i) => `n${i}`));
    const missing = c.ids === 'integer' ? ['7777777'] : ['00000000-0000-4000-8000-000000000001'];
    const found = await table().getByIds([...ids, ...missing], ['score']);
    expect(found).toHaveLength(2000);
    expect(new Set(found.map((r) => r.id))).toEqual(new Set(ids));
  });

  it('lists ids in keyset order, page after page', async () => {
    const ids = await raw.seed(Array.from({ length: 12 }, (_, i) => ({ name: `n${i}`, modifiedUs: BASE_US })));
    const listed: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: string[] = await table().listIds(after, 5);
      listed.push(...page);
      if (page.length < 5) break;
      after = page.at(-1)!;
    }
    expect(listed).toHaveLength(12);
    expect(new Set(listed)).toEqual(new Set(ids));
    expect(listed).toEqual((await raw.rows()).map((r) => r.id));
  });

  it('serves concurrent calls on one connector without mixing their transactions', async () => {
    const calls = Array.from({ length: 6 }, (_, i) => table().insert([{ name: `c${i}` }, { name: null }]));
    const results = await Promise.all([...calls, table().readChanges(null, 100, ['name'])]);
    for (const result of results.slice(0, 6)) expect(result.map((r) => 'ok' in r && r.ok)).toEqual([true, false]);
    expect((await raw.rows()).map((r) => r.name).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('deletes rows by id, counting a missing row as deleted', async () => {
    const [a, b, keep] = await raw.seed([
      { name: 'a', modifiedUs: BASE_US },
      { name: 'b', modifiedUs: BASE_US },
      { name: 'keep', modifiedUs: BASE_US },
    ]);
    const missingId = c.ids === 'integer' ? '424242' : '00000000-0000-4000-8000-000000000002';
    const results = await table().delete([a!, missingId, b!]);
    expect(results.map((r) => r.ok && r.id)).toEqual([a, missingId, b]);
    expect((await raw.rows()).map((r) => r.id)).toEqual([keep]);
  });

  describe('structured filters', () => {
    beforeEach(async () => {
      const [off, on] = c.dialect === 'sqlite' ? [0, 1] : [false, true];
      await raw.query(`alter table customer add column blocked boolean not null default ${off}`);
      await raw.seed([
        { name: 'Ada', email: 'ada@example.com', score: 10, modifiedUs: BASE_US },
        { name: 'Bob', email: null, score: 20, modifiedUs: BASE_US + 1000 },
        { name: 'Cy', email: 'cy@EXAMPLE.org', score: null, modifiedUs: BASE_US + 2000 },
        { name: 'Di 100%', email: 'di@example.com', score: 40, modifiedUs: BASE_US + 3000 },
      ]);
      await raw.query(`update customer set blocked = ${on} where name = 'Bob'`);
    });

    const names = async (conditions: FilterCondition[], spec: Partial<TableSpec> = {}) => {
      const records = await connector.openTable({ ...SPEC, ...spec, conditions }).readChanges(null, 100, ['name']);
      return records.map((r) => r.values.name);
    };

    it('compiles each operator to a condition with bound values', async () => {
      expect(await names([{ field: 'name', operator: 'EQ', value: 'Bob' }])).toEqual(['Bob']);
      expect(await names([{ field: 'score', operator: 'LT', value: 20 }])).toEqual(['Ada']);
      expect(await names([{ field: 'score', operator: 'LE', value: 20 }])).toEqual(['Ada', 'Bob']);
      expect(await names([{ field: 'score', operator: 'GT', value: 20 }])).toEqual(['Di 100%']);
      expect(await names([{ field: 'score', operator: 'GE', value: 20 }])).toEqual(['Bob', 'Di 100%']);
      expect(await names([{ field: 'score', operator: 'IN', values: [10, 40, 99] }])).toEqual(['Ada', 'Di 100%']);
      expect(await names([{ field: 'email', operator: 'IS_NULL' }])).toEqual(['Bob']);
      expect(await names([{ field: 'email', operator: 'NOT_NULL' }])).toEqual(['Ada', 'Cy', 'Di 100%']);
      expect(await names([{ field: 'blocked', operator: 'EQ', value: false }])).toEqual(['Ada', 'Cy', 'Di 100%']);
    });

    it('ANDs the conditions, with the raw config filter too', async () => {
      const both: FilterCondition[] = [
        { field: 'blocked', operator: 'EQ', value: false },
        { field: 'score', operator: 'GE', value: 10 },
      ];
      expect(await names(both)).toEqual(['Ada', 'Di 100%']);
      expect(await names(both, { filter: "name <> 'Ada' or name = 'Bob'" })).toEqual(['Di 100%']);
    });

    it('keeps the contract for null: EQ null, NE counting null fields as different, IN with null', async () => {
      expect(await names([{ field: 'email', operator: 'EQ', value: null }])).toEqual(['Bob']);
      expect(await names([{ field: 'email', operator: 'NE', value: null }])).toEqual(['Ada', 'Cy', 'Di 100%']);
      expect(await names([{ field: 'score', operator: 'NE', value: 10 }])).toEqual(['Bob', 'Cy', 'Di 100%']);
      expect(await names([{ field: 'score', operator: 'IN', values: [20, null] }])).toEqual(['Bob', 'Cy']);
      expect(await names([{ field: 'score', operator: 'IN', values: [null] }])).toEqual(['Cy']);
    });

    it('matches LIKE without regard to case, on text and number columns, with \\ escaping % and _', async () => {
      expect(await names([{ field: 'email', operator: 'LIKE', value: '%@example.%' }])).toEqual([
        'Ada',
        'Cy',
        'Di 100%',
      ]);
      expect(await names([{ field: 'score', operator: 'LIKE', value: '4%' }])).toEqual(['Di 100%']);
      expect(await names([{ field: 'name', operator: 'LIKE', value: '%0\\%' }])).toEqual(['Di 100%']);
      expect(await names([{ field: 'name', operator: 'LIKE', value: 'A\\_a' }])).toEqual([]);
    });

    it('treats a value as data: SQL in it matches literally nothing', async () => {
      const attack = "x' OR 1=1 --";
      expect(await names([{ field: 'name', operator: 'EQ', value: attack }])).toEqual([]);
      expect(await names([{ field: 'name', operator: 'IN', values: [attack, "') or ('1'='1"] }])).toEqual([]);
      expect(await names([{ field: 'name', operator: 'LIKE', value: `%${attack}` }])).toEqual([]);
      expect(await names([{ field: 'name', operator: 'NE', value: attack }])).toHaveLength(4);
      // A field is a column of the table or nothing: a quoted SQL fragment is refused before any query.
      await expect(names([{ field: 'name" = "name', operator: 'IS_NULL' }])).rejects.toThrow(
        'the filter names column "name" = "name"',
      );
    });

    it('keeps the bound values in step with the cursor and with match lookups', async () => {
      const table = connector.openTable({ ...SPEC, conditions: [{ field: 'blocked', operator: 'EQ', value: false }] });
      const [first, ...rest] = await table.readChanges(null, 100, ['name']);
      const after = await table.readChanges({ modifiedUs: first!.modifiedUs, id: first!.id }, 100, ['name']);
      expect(after.map((r) => r.values.name)).toEqual(rest.map((r) => r.values.name));
      const found = await table.findByField('name', ['ada', 'BOB', 'cy'], ['name'], false);
      expect(found.map((r) => r.values.name).sort()).toEqual(['Ada', 'Cy']);
      // getByIds answers "does it exist", whatever the filter: a blocked record must not look deleted.
      const all = await connector.openTable(SPEC).readChanges(null, 100, []);
      expect(
        await table.getByIds(
          all.map((r) => r.id),
          [],
        ),
      ).toHaveLength(4);
    });
  });
});

describe('SQL connector failures worth retrying', () => {
  it('reports an unreachable PostgreSQL server as TransientConnectorError', async () => {
    const connector = SqlConnector.open('down', 'postgres://postgres@127.0.0.1:1/nothing');
    try {
      await expect(connector.openTable(SPEC).describe()).rejects.toBeInstanceOf(TransientConnectorError);
    } finally {
      await connector.close();
    }
  });

  it('reports a busy SQLite database as TransientConnectorError', async () => {
    const db = await scratchDatabase('sqlite', 'busy');
    const path = db.url.slice('sqlite:'.length);
    const holder = new Database(path);
    const waiter = new Database(path);
    try {
      holder.exec('create table t (x integer); begin immediate; insert into t values (1)');
      waiter.prepare('pragma busy_timeout = 0').all([]);
      let caught: unknown;
      try {
        waiter.prepare('insert into t values (2)').run([]);
      } catch (error) {
        caught = mapSqliteError(error);
      }
      expect(caught).toBeInstanceOf(TransientConnectorError);
    } finally {
      holder.exec('rollback');
      holder.close();
      waiter.close();
      await db.drop();
    }
  });
});

/**
 * How SQLite runs the connector's multi-row update: each row looked up by its id, never a pass over the
 * whole table. A cast on the ids in the VALUES list once made the planner scan a million-row table
 * through an index for every batch (docs/BENCHMARKS.md, issue 16). The plan is read with the statistics
 * of a big table, so that a small one shows the plan a big one gets.
 */
describe.each(TABLE_CASES.filter((c) => c.dialect === 'sqlite').map((c) => [caseName(c), c] as const))(
  'SQL connector update plan on %s',
  (_name, c) => {
    it('finds each updated row by its id, without scanning the table', async () => {
      const db = await scratchDatabase('sqlite', 'updateplan');
      const raw = await RawDatabase.open(c, db.url);
      const connector = SqlConnector.open('app', db.url);
      const prepared = vi.spyOn(Database.prototype, 'prepare');
      try {
        await raw.query(createCustomerSql(c));
        // The index a deployment has for change reading: a narrower copy of the table the planner may prefer.
        await raw.query('create index customer_changes on customer (modified_at, id)');
        // A batch as the engine writes them: the planner's choice changes with the number of rows in VALUES.
        const ids = await raw.seed(
          Array.from({ length: 1001 }, (_, i) => ({ name: `customer ${i}`, modifiedUs: BASE_US })),
        );
        const untouched = ids.pop()!;
        const results = await connector
          .openTable(SPEC)
          .update(ids.map((id, i) => ({ id, values: { name: `renamed ${i}` } })));
        expect(results.every((r) => r.ok)).toBe(true);
        const stored = new Map((await raw.rows()).map((r) => [r.id, r.name]));
        expect(stored).toEqual(
          new Map([...ids.map((id, i) => [id, `renamed ${i}`] as const), [untouched, 'customer 1000']]),
        );

        // Statistics as `analyze` leaves them on a table of a million rows, which is where the planner went wrong.
        await raw.query('analyze');
        await raw.query('delete from sqlite_stat1');
        await raw.query(`insert into sqlite_stat1 values ('customer', 'customer_changes', '1000000 1 1')`);
        const update = prepared.mock.calls.map(([sql]) => String(sql)).find((sql) => /^with tandem_v/.test(sql));
        expect(update).toBeDefined();
        const inspector = new Database(db.url.slice('sqlite:'.length));
        try {
          const parameters = (update!.match(/\?/g) ?? []).map(() => null);
          const plan = (inspector.prepare(`explain query plan ${update}`).all(parameters) as Array<{ detail: string }>)
            .map((step) => step.detail)
            .join(' | ');
          expect(plan).toMatch(/SEARCH "?customer"? USING (INTEGER PRIMARY KEY|INDEX|COVERING INDEX|PRIMARY KEY)/);
          expect(plan).not.toMatch(/SCAN "?customer"?/);
        } finally {
          inspector.close();
        }
      } finally {
        prepared.mockRestore();
        await connector.close();
        await raw.close();
        await db.drop();
      }
    });
  },
);
