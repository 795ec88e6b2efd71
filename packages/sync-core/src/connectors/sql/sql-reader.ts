import { chunk as chunksOf } from '../../db/sql-parts.js';
import type { ChangeCursor, FieldValues, SourceRecord, TableSpec } from '../connector.js';
import { compileFilter, type SqlFilter } from './filter-sql.js';
import { placeholders, quoteIdent, type SqlClient, type SqlRow } from './sql-client.js';
import { ID_ALIAS, IDS_PER_STATEMENT, idList, paramValue, recordKey, recordKeyColumns, unique } from './sql-record.js';
import type { TableLayout } from './table-layout.js';

/**
 * The reading half of the SQL table connector: changes after a cursor, records by id, match lookups and
 * the id scan for deletions. It only ever SELECTs, outside any transaction.
 */
export class SqlTableReader {
  constructor(
    private readonly client: SqlClient,
    private readonly spec: TableSpec,
    /** The table's layout, learnt once by the table connector. */
    private readonly layout: () => Promise<TableLayout>,
  ) {}

  async readChanges(after: ChangeCursor | null, limit: number, fields: readonly string[]): Promise<SourceRecord[]> {
    const layout = await this.layout();
    const { sortKey, cursor, cursorParam } = layout.modifiedOn;
    const where = [`${sortKey} is not null`];
    const params: unknown[] = [];
    if (after) {
      // Keyset on (modified-on, id): records sharing one modified-on value are split by id, so a page
      // boundary inside such a run neither skips nor repeats any of them. The leading `>=` gives both
      // databases a range to seek in an index on (modified-on, id) instead of scanning the table.
      const at = cursorParam(after.modifiedUs);
      where.push(`${sortKey} >= ${cursor} and (${sortKey} > ${cursor} or ${layout.id} > ${layout.idParam})`);
      params.push(at, at, after.id);
    }
    const filter = this.filterWhere(layout);
    where.push(...filter.conditions);
    const sql = `${this.selectFrom(layout, fields)} where ${where.join(' and ')}
      order by ${sortKey}, ${layout.id} limit ?`;
    const rows = await this.client.query(sql, [...params, ...filter.params, limit]);
    return toRecords(rows, layout, fields);
  }

  /**
   * Ignores the filter: this answers "does the record still exist", and a record that left the filter
   * must not look deleted.
   */
  async getByIds(ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]> {
    const layout = await this.layout();
    const records: SourceRecord[] = [];
    for (const chunk of chunksOf(unique(ids), IDS_PER_STATEMENT)) {
      const sql = `${this.selectFrom(layout, fields)} where ${layout.id} in (${idList(layout, chunk.length)})`;
      const rows = await this.client.query(sql, chunk);
      records.push(...toRecords(rows, layout, fields));
    }
    return records;
  }

  async findByField(
    field: string,
    values: readonly unknown[],
    fields: readonly string[],
    caseSensitive: boolean,
  ): Promise<SourceRecord[]> {
    const layout = await this.layout();
    if (!layout.byName.has(field)) throw new Error(`table "${this.spec.table}" has no column "${field}"`);
    // NULL equals nothing in SQL, so null values cannot match and are left out.
    const wanted = unique(values.filter((v) => v !== null && v !== undefined).map(paramValue));
    const column = quoteIdent(field);
    const filter = this.filterWhere(layout);
    const records: SourceRecord[] = [];
    for (const chunk of chunksOf(wanted, IDS_PER_STATEMENT)) {
      const match = caseSensitive
        ? `${column} in (${placeholders(chunk.length)})`
        : `${this.lowered(column)} in (${chunk.map(() => 'lower(?)').join(', ')})`;
      const where = [match, ...filter.conditions].join(' and ');
      const rows = await this.client.query(`${this.selectFrom(layout, fields)} where ${where}`, [
        ...chunk,
        ...filter.params,
      ]);
      records.push(...toRecords(rows, layout, fields));
    }
    return records;
  }

  /** Ignores the filter, like `getByIds`: the deletion scan asks what exists. */
  async listIds(after: string | null, limit: number): Promise<string[]> {
    const layout = await this.layout();
    const where = after === null ? '' : `where ${layout.id} > ${layout.idParam}`;
    const params = after === null ? [limit] : [after, limit];
    const rows = await this.client.query(
      `select cast(${layout.id} as text) as ${ID_ALIAS} from ${layout.table} ${where} order by ${layout.id} limit ?`,
      params,
    );
    return rows.map((row) => String(row[ID_ALIAS]));
  }

  /**
   * The column folded to lower case, spelled so that the usual expression index serves it: `lower(col)`
   * on SQLite; on PostgreSQL the cast lets non-text columns match too (a no-op on text columns).
   */
  private lowered(column: string): string {
    return this.client.dialect === 'sqlite' ? `lower(${column})` : `lower(cast(${column} as text))`;
  }

  /**
   * The records taking part: the config file's raw SQL condition (the operator's own, pasted as written,
   * parenthesised so that an OR in it cannot escape), and the structured conditions with bound values.
   */
  private filterWhere(layout: TableLayout): SqlFilter {
    const raw = this.spec.filter?.trim();
    const structured = compileFilter(this.spec.conditions ?? [], layout, this.client.dialect);
    return { conditions: [...(raw ? [`(${raw})`] : []), ...structured.conditions], params: structured.params };
  }

  /** `select id, modified-on, fields… from table`; requested fields the table lacks are not selected. */
  private selectFrom(layout: TableLayout, fields: readonly string[]): string {
    const columns = [recordKeyColumns(layout), ...fieldsIn(layout, fields).map((f, i) => `${quoteIdent(f)} as f${i}`)];
    return `select ${columns.join(', ')} from ${layout.table}`;
  }
}

/** Rows selected by `selectFrom` as records; the fields' aliases are worked out once for all the rows. */
function toRecords(rows: readonly SqlRow[], layout: TableLayout, fields: readonly string[]): SourceRecord[] {
  const present = fieldsIn(layout, fields);
  const aliases = present.map((_, i) => `f${i}`);
  return rows.map((row) => {
    const values: FieldValues = {};
    for (let i = 0; i < present.length; i++) values[present[i]!] = row[aliases[i]!];
    const { id, modifiedUs } = recordKey(row);
    return { id, modifiedUs, values };
  });
}

/** The requested fields the table has, once each, in the order asked. */
function fieldsIn(layout: TableLayout, fields: readonly string[]): string[] {
  return unique(fields).filter((f) => layout.byName.has(f));
}
