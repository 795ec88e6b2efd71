import { parseDatabaseUrl, redact } from '../../db/database-url.js';
import type {
  ChangeCursor,
  ColumnInfo,
  Connector,
  FieldValues,
  SourceRecord,
  TableConnector,
  TableSpec,
  UpdateRow,
  WriteResult,
} from '../connector.js';
import { openSqliteApp, unreachableApp } from './app-database.js';
import { PostgresClient } from './postgres-client.js';
import { RetriedLoad } from './retried-load.js';
import type { SqlClient } from './sql-client.js';
import { SqlTableReader } from './sql-reader.js';
import { SqlTableWriter } from './sql-writer.js';
import { describeTable, loadLayout, type TableLayout } from './table-layout.js';

/** A relational app database (SQLite or PostgreSQL) as a Tandem connector. */
export class SqlConnector implements Connector {
  constructor(
    readonly name: string,
    readonly client: SqlClient,
    /** The URL it was opened with, password hidden: for messages. */
    private readonly url = '',
  ) {}

  /**
   * Opens `sqlite:PATH` or `postgres://…`; the app's database must exist (it is never created). A
   * SQLite file is opened now, so a missing one is an `InvalidConfigError` naming `connectors.NAME.url`
   * at once; PostgreSQL connects on first use (see `verify`).
   */
  static open(name: string, url: string): SqlConnector {
    const where = `connectors.${name}.url`;
    const parsed = parseDatabaseUrl(url, where);
    const client = parsed.dialect === 'sqlite' ? openSqliteApp(parsed.path, where) : new PostgresClient(parsed.url);
    return new SqlConnector(name, client, redact(url));
  }

  /**
   * Checks that the app answers now, rather than in its first job: a PostgreSQL server that is down or a
   * database that does not exist is an `InvalidConfigError` naming `connectors.NAME.url`.
   */
  async verify(): Promise<void> {
    try {
      await this.client.query('select 1 as ok');
    } catch (error) {
      throw unreachableApp(`connectors.${this.name}.url`, this.url, error);
    }
  }

  openTable(spec: TableSpec): SqlTableConnector {
    return new SqlTableConnector(this.client, spec);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * One table of the app behind `connector.ts`'s contract. It learns the table's layout once and hands it
 * to its two halves: `SqlTableReader` (changes, by ids, matches, the id scan) and `SqlTableWriter`
 * (insert, update, delete, modified-on). The methods stay on this class, so that callers (and the
 * benchmarks' phase timers, which wrap them) see one table connector.
 */
export class SqlTableConnector implements TableConnector {
  private readonly columns = new RetriedLoad(() => describeTable(this.client, this.spec.table));
  private readonly layoutLoad = new RetriedLoad(async () => {
    try {
      return await loadLayout(this.client, this.spec, await this.columns.get());
    } catch (error) {
      // The table may be fixed (a column added) before the next call: learn its columns again then.
      this.columns.forget();
      throw error;
    }
  });
  private readonly reader: SqlTableReader;
  private readonly writer: SqlTableWriter;

  constructor(
    private readonly client: SqlClient,
    readonly spec: TableSpec,
  ) {
    // Learns the table once; a failure (table not there yet) is not cached, so the next call asks again.
    const layout = (): Promise<TableLayout> => this.layoutLoad.get();
    this.reader = new SqlTableReader(client, spec, layout);
    this.writer = new SqlTableWriter(client, spec, layout);
  }

  /**
   * The columns alone, even where the id or modified-on column is missing (which reads refuse), so that
   * a mapping check can name every column that is not there.
   */
  describe(): Promise<ColumnInfo[]> {
    return this.columns.get();
  }

  readChanges(after: ChangeCursor | null, limit: number, fields: readonly string[]): Promise<SourceRecord[]> {
    return this.reader.readChanges(after, limit, fields);
  }

  getByIds(ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]> {
    return this.reader.getByIds(ids, fields);
  }

  findByField(
    field: string,
    values: readonly unknown[],
    fields: readonly string[],
    caseSensitive: boolean,
  ): Promise<SourceRecord[]> {
    return this.reader.findByField(field, values, fields, caseSensitive);
  }

  listIds(after: string | null, limit: number): Promise<string[]> {
    return this.reader.listIds(after, limit);
  }

  insert(rows: readonly FieldValues[]): Promise<WriteResult[]> {
    return this.writer.insert(rows);
  }

  update(rows: readonly UpdateRow[]): Promise<WriteResult[]> {
    return this.writer.update(rows);
  }

  delete(ids: readonly string[]): Promise<WriteResult[]> {
    return this.writer.delete(ids);
  }
}
