export { type BatchRequest, type BatchResponse, readBatchResponse, writeChangeSetBatch } from './batch-body.js';
export { DATAVERSE_DEFAULTS, DataverseConnector, type DataverseConnectorSpec } from './dataverse.connector.js';
export { modifiedUsOf, versionOf } from './dataverse-record.js';
export { DataverseTableConnector } from './dataverse-table.js';
export { type EntityMetadata, loadEntityMetadata, parseCsdl } from './entity-metadata.js';
export * from './odata-query.js';
export {
  type ConnectorWait,
  parseRetryAfter,
  RequestPacer,
  WaitBudget,
  WaitBudgetExceededError,
} from './request-pacer.js';
export { TokenRequestError, TokenSource } from './token-source.js';
export { DataverseRequestError, DataverseWebApi } from './web-api.js';
