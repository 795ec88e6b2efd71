export { type ModifiedOnFormat, type ModifiedOnKind, modifiedOnFormat } from './modified-on.js';
export { mapPostgresError, PostgresClient } from './postgres-client.js';
export { SqlConnector, SqlTableConnector } from './sql.connector.js';
export {
  numberPlaceholders,
  placeholders,
  quoteIdent,
  quoteTable,
  type SqlClient,
  type SqlDialect,
  type SqlExecutor,
  type SqlRow,
  type SqlTransaction,
} from './sql-client.js';
export { mapSqliteError, SqliteClient, toSqliteValue } from './sqlite-client.js';
export { describeTable, loadLayout, type TableLayout } from './table-layout.js';
