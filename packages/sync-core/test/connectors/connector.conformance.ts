import { beforeEach, describe, expect, it } from 'vitest';
import type {
  ChangeCursor,
  Connector,
  SourceRecord,
  TableConnector,
  TableSpec,
} from '../../src/connectors/connector.js';
import { TableNotFoundError } from '../../src/connectors/connector.js';
import type { FilterCondition } from '../../src/connectors/record-filter.js';

/**
 * The connector contract (connectors/connector.ts) as behaviour every connector shows, whatever its app:
 * one suite, run once per connector against a real instance of its app (STYLE.md habit 9). The app-specific
 * suites (SQL types, Dataverse's batches and limits) test what only their app has.
 *
 * A backend gives the suite a `customer`-like table — `name` (text, required), `email` (text), `score`
 * (a whole number) — through the connector under test, a row the app refuses, and a way of its own (not
 * the connector) to seed records and to see what is stored.
 */
export interface ConformanceBackend {
  /** The table spec of the fresh table `reset` makes. */
  spec: TableSpec;
  /** Empties the app's table (or makes it) and opens a connector on it. */
  reset(): Promise<Connector>;
  /** Seeds records through the app itself, in order; returns their ids. */
  seed(rows: ReadonlyArray<{ name: string; email?: string | null; score?: number | null }>): Promise<string[]>;
  /** Every stored record, as the app itself reports it. */
  stored(): Promise<Array<{ id: string; name: string; email: string | null; score: number | null }>>;
  /** An id of the table's type that names no record. */
  missingId: string;
  /** A row the app refuses on insert (a constraint, a validation rule). */
  refusedRow: Record<string, unknown>;
}

const FIELDS = ['name', 'email', 'score'];

/** Reads every change page by page, as the engine does, with the cursor taken from each page's last record. */
export async function readAllChanges(table: TableConnector, limit: number, fields = FIELDS): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  let after: ChangeCursor | null = null;
  for (let page = 0; page < 1000; page++) {
    const records = await table.readChanges(after, limit, fields);
    all.push(...records);
    if (records.length < limit) return all;
    const last = records.at(-1)!;
    after = { modifiedUs: last.modifiedUs, id: last.id };
  }
  throw new Error('change reading did not end');
}

export function connectorConformance(name: string, backend: () => ConformanceBackend): void {
  describe(`${name}: the connector contract`, () => {
    let b: ConformanceBackend;
    let connector: Connector;
    const table = (spec: Partial<TableSpec> = {}) => connector.openTable({ ...b.spec, ...spec });

    beforeEach(async (context) => {
      b = backend();
      connector = await b.reset();
      context.onTestFinished(() => connector.close());
    });

    it('describes the columns, and throws TableNotFoundError for a table that does not exist', async () => {
      const columns = new Map((await table().describe()).map((c) => [c.name, c]));
      for (const column of [b.spec.idColumn, b.spec.modifiedColumn, ...FIELDS]) expect(columns.has(column)).toBe(true);
      expect(columns.get('name')?.nullable).toBe(false);
      expect(columns.get('email')?.nullable).toBe(true);
      await expect(table({ table: 'no_such_table' }).describe()).rejects.toBeInstanceOf(TableNotFoundError);
    });

    it('reads changes page by page in (modified-on, id) order, each record once, the values as stored', async () => {
      const ids = await b.seed(Array.from({ length: 27 }, (_, i) => ({ name: `n${i}`, score: i })));
      const read = await readAllChanges(table(), 7);
      expect(read.map((r) => r.id).sort()).toEqual([...ids].sort());
      const order = read.map((r) => [r.modifiedUs, r.id] as const);
      const sorted = [...order].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
      expect(order).toEqual(sorted);
      const byId = new Map(read.map((r) => [r.id, r.values]));
      expect(byId.get(ids[3]!)).toEqual({ name: 'n3', email: null, score: 3 });
    });

    it('reads only what changed after a cursor, and an update moves its record after it', async () => {
      const [a, bId, c] = await b.seed([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      const first = await table().readChanges(null, 100, ['name']);
      const last = first.at(-1)!;
      expect(await table().readChanges({ modifiedUs: last.modifiedUs, id: last.id }, 100, ['name'])).toEqual([]);
      const [updated] = await table().update([{ id: bId!, values: { name: 'b2' } }]);
      expect(updated).toMatchObject({ ok: true, id: bId });
      const after = await table().readChanges({ modifiedUs: last.modifiedUs, id: last.id }, 100, ['name']);
      expect(after.map((r) => [r.id, r.values.name])).toEqual([[bId, 'b2']]);
      expect(after[0]!.modifiedUs).toBe(updated!.ok ? updated!.modifiedUs : -1);
      expect([a, c]).not.toContain(after[0]!.id);
    });

    it('leaves out fields the table does not have', async () => {
      await b.seed([{ name: 'a' }]);
      const [record] = await table().readChanges(null, 10, ['name', 'not_a_column']);
      expect(record!.values).toEqual({ name: 'a' });
    });

    it('inserts rows and returns the ids and modified-on values a fresh read finds', async () => {
      const results = await table().insert([
        { name: 'Ann', email: 'ann@example.com', score: 3 },
        { name: 'Bob', score: 4 },
      ]);
      expect(results.every((r) => r.ok)).toBe(true);
      const ok = results.flatMap((r) => (r.ok ? [r] : []));
      const stored = new Map((await b.stored()).map((r) => [r.id, r]));
      expect(stored.size).toBe(2);
      expect(ok.map((r) => stored.get(r.id)?.name)).toEqual(['Ann', 'Bob']);
      expect(stored.get(ok[1]!.id)).toMatchObject({ email: null, score: 4 });
      const fresh = await table().getByIds(
        ok.map((r) => r.id),
        FIELDS,
      );
      expect(new Map(fresh.map((r) => [r.id, r.modifiedUs]))).toEqual(new Map(ok.map((r) => [r.id, r.modifiedUs])));
    });

    it('fails a row the app refuses alone, with its message, and stores the rows around it', async () => {
      const results = await table().insert([{ name: 'good 1' }, b.refusedRow, { name: 'good 2' }]);
      expect(results.map((r) => r.ok)).toEqual([true, false, true]);
      const refused = results[1]!;
      expect(refused.ok ? '' : refused.message).not.toBe('');
      expect((await b.stored()).map((r) => r.name).sort()).toEqual(['good 1', 'good 2']);
    });

    it('fails a row naming an unknown column, on insert and on update, and writes the others', async () => {
      const inserted = await table().insert([{ name: 'a', shoe_size: 42 }, { name: 'b' }]);
      expect(inserted[0]).toMatchObject({ ok: false, message: expect.stringContaining('"shoe_size"') });
      const id = inserted[1]!.ok ? inserted[1]!.id : '';
      const updated = await table().update([
        { id, values: { name: 'b2', colour: 'red' } },
        { id, values: { name: 'b3' } },
      ]);
      expect(updated[0]).toMatchObject({ ok: false, message: expect.stringContaining('"colour"') });
      expect(updated[1]!.ok).toBe(true);
      expect((await b.stored()).map((r) => r.name)).toEqual(['b3']);
    });

    it('updates by id, fails a missing id alone, and gives each write a later modified-on, twice in one call too', async () => {
      const [x, untouched] = await b.seed([{ name: 'x' }, { name: 'untouched' }]);
      const [before] = await table().getByIds([x!], ['name']);
      const results = await table().update([
        { id: x!, values: { score: 1 } },
        { id: b.missingId, values: { name: 'ghost' } },
        { id: x!, values: { score: 2 } },
      ]);
      expect(results[1]).toEqual({ ok: false, message: 'record not found' });
      const [first, , second] = results.map((r) => (r.ok ? r.modifiedUs : Number.NaN));
      expect(first).toBeGreaterThan(before!.modifiedUs);
      expect(second).toBeGreaterThan(first!);
      const stored = new Map((await b.stored()).map((r) => [r.id, r]));
      expect(stored.get(x!)).toMatchObject({ name: 'x', score: 2 });
      expect(stored.get(untouched!)).toMatchObject({ name: 'untouched', score: null });
      expect(stored.size).toBe(2);
    });

    it('finds records by field, case-insensitively when asked; null matches nothing', async () => {
      await b.seed([
        { name: 'Ann', email: 'Ann@Example.com' },
        { name: 'Bob', email: 'bob@example.com' },
        { name: 'Cid', email: null },
      ]);
      const exact = await table().findByField('email', ['ann@example.com', 'bob@example.com', null], ['name'], true);
      expect(exact.map((r) => r.values.name)).toEqual(['Bob']);
      const folded = await table().findByField('email', ['ANN@example.COM'], ['name', 'email'], false);
      expect(folded.map((r) => r.values)).toEqual([{ name: 'Ann', email: 'Ann@Example.com' }]);
      await expect(table().findByField('nope', ['x'], ['name'], true)).rejects.toThrow(/nope/);
    });

    it('gets 300 records back by id in chunks, missing ids simply absent', async () => {
      const results = await table().insert(Array.from({ length: 300 }, (_, i) => ({ name: `n${i}`, score: i })));
      const ids = results.flatMap((r) => (r.ok ? [r.id] : []));
      expect(new Set(ids).size).toBe(300);
      const found = await table().getByIds([...ids, b.missingId], ['score']);
      expect(new Set(found.map((r) => r.id))).toEqual(new Set(ids));
    });

    it('lists ids page after page, each once', async () => {
      const ids = await b.seed(Array.from({ length: 12 }, (_, i) => ({ name: `n${i}` })));
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
    });

    it('deletes by id, counting a missing record as deleted, and leaves the others', async () => {
      const [a, bId, keep] = await b.seed([{ name: 'a' }, { name: 'b' }, { name: 'keep' }]);
      const results = await table().delete([a!, b.missingId, bId!]);
      expect(results.map((r) => r.ok && r.id)).toEqual([a, b.missingId, bId]);
      expect((await b.stored()).map((r) => r.id)).toEqual([keep]);
    });

    it('applies the structured filter to change reads and match lookups, with bound values', async () => {
      await b.seed([
        { name: 'Ada', email: 'ada@example.com', score: 10 },
        { name: 'Bob', email: null, score: 20 },
        { name: 'Cy', email: 'cy@EXAMPLE.org', score: null },
        { name: 'Di 100%', email: 'di@example.com', score: 40 },
      ]);
      const names = async (conditions: FilterCondition[]) =>
        (await table({ conditions }).readChanges(null, 100, ['name'])).map((r) => r.values.name).sort();
      expect(await names([{ field: 'score', operator: 'GE', value: 20 }])).toEqual(['Bob', 'Di 100%']);
      expect(await names([{ field: 'score', operator: 'IN', values: [10, 40, 99] }])).toEqual(['Ada', 'Di 100%']);
      expect(await names([{ field: 'email', operator: 'IS_NULL' }])).toEqual(['Bob']);
      expect(await names([{ field: 'score', operator: 'NE', value: 10 }])).toEqual(['Bob', 'Cy', 'Di 100%']);
      expect(await names([{ field: 'email', operator: 'LIKE', value: '%@example.%' }])).toEqual([
        'Ada',
        'Cy',
        'Di 100%',
      ]);
      expect(await names([{ field: 'name', operator: 'LIKE', value: '%0\\%' }])).toEqual(['Di 100%']);
      expect(await names([{ field: 'name', operator: 'EQ', value: "x' or name ne 'y" }])).toEqual([]);
      const filtered = table({ conditions: [{ field: 'score', operator: 'GE', value: 20 }] });
      const found = await filtered.findByField('name', ['ada', 'BOB'], ['name'], false);
      expect(found.map((r) => r.values.name)).toEqual(['Bob']);
      // getByIds answers "does it exist", whatever the filter: a filtered-out record must not look deleted.
      const all = await table().readChanges(null, 100, []);
      expect(
        await filtered.getByIds(
          all.map((r) => r.id),
          [],
        ),
      ).toHaveLength(4);
    });
  });
}
