import { JobFields } from './dashboard';
import { graphql } from './tada';

/**
 * Everything the console shows of a mapping's settings; the list and the detail page read the same.
 * `filter` is the config file's raw SQL (read-only); `localFilters`/`integrationFilters` are the structured
 * filters an admin edits.
 */
export const TableMappingFields = graphql(`
  fragment TableMappingFields on TableMapping {
    id name direction syncOnlyCoupledRecords createNewIfNoMatch
    updateConflictResolution deletionConflictResolution scheduleSeconds enabled parkAfterFailures
    createdAt updatedAt
    local { connector table id modifiedOn filter }
    integration { connector table id modifiedOn filter externalKey }
    localFilters { field operator value values }
    integrationFilters { field operator value values }
  }
`);

/** The list page's mappings (their open-error counts come from the live summary, useErrorSummaryLive). */
export const TableMappingsQuery = graphql(
  `
  query TableMappings {
    tableMappings { ...TableMappingFields }
  }
`,
  [TableMappingFields],
);

/** One mapping with its field mappings (there is no `tableMapping(id)`: `node` is the way). */
export const TableMappingDetailQuery = graphql(
  `
  query TableMappingDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on TableMapping {
        ...TableMappingFields
        fields {
          localField integrationField direction constantValue transform enabled
          useForMatch matchPriority caseSensitive clearValueOnFailedSync
        }
      }
    }
  }
`,
  [TableMappingFields],
);

/** A mapping's newest job (queued, running or finished), for its "last job" cell. */
export const TableMappingLastJobQuery = graphql(
  `
  query TableMappingLastJob($mappingId: ID!) {
    syncJobs(mappingId: $mappingId, first: 1) { edges { node { ...JobFields } } }
  }
`,
  [JobFields],
);

export const UpdateTableMappingMutation = graphql(
  `
  mutation UpdateTableMapping($id: ID!, $patch: TableMappingPatch!) {
    updateTableMapping(id: $id, patch: $patch) {
      __typename
      ... on UpdateTableMappingPayload { mapping { ...TableMappingFields } }
      ... on InvalidMappingError { field }
      ... on InvalidInputError { argument }
      ... on Error { code message }
    }
  }
`,
  [TableMappingFields],
);

/** A mapping's settings were saved (by this console or another): the pages showing it read it again. */
export const TableMappingChangedSubscription = graphql(`
  subscription TableMappingChanged($id: ID) {
    tableMappingChanged(id: $id) { id updatedAt }
  }
`);
