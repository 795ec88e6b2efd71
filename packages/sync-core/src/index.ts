// The public API of @tandem/sync-core: what the apps may import.

export * from './actions/index.js';
export * from './alerts/index.js';
export { checkMappingTables } from './connectors/check-mapping-tables.js';
export * from './connectors/connector.js';
export * from './connectors/connector-spec.js';
export {
  type ConnectorWait,
  DATAVERSE_DEFAULTS,
  DataverseConnector,
  type DataverseConnectorSpec,
  WaitBudgetExceededError,
} from './connectors/dataverse/index.js';
export * from './connectors/record-filter.js';
export { SqlConnector } from './connectors/sql/index.js';
export * from './db/database-url.js';
export * from './db/orm.js';
export type { StoreSql, StoreSqlAccess } from './db/store-sql.js';
export { messagePattern } from './engine/message-pattern.js';
export { runSync } from './engine/run-sync.js';
export * from './engine/sync-context.js';
export * from './engine/sync-run.js';
export * from './entities/index.js';
export * from './errors/index.js';
export * from './events/event-publisher.js';
export * from './jobs/index.js';
export * from './logging/logger.js';
export * from './mappings/index.js';
export * from './paging/keyset-page.js';
export * from './queries/index.js';
export * from './repositories/api-key.queries.js';
export * from './repositories/coupling.queries.js';
export * from './repositories/sync-error.queries.js';
export * from './repositories/sync-error-filter.js';
export * from './repositories/sync-job.queries.js';
export * from './repositories/sync-log.queries.js';
