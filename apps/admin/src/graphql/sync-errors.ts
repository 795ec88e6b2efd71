import { ErrorSummaryFields } from './dashboard';
import { graphql } from './tada';

export const TableMappingNamesQuery = graphql(`
  query TableMappingNames {
    tableMappings { id name }
  }
`);

/** A list page: no `records` (that reads both apps) and only what the table shows. */
export const SyncErrorsQuery = graphql(`
  query SyncErrors($filter: SyncErrorFilter, $first: Int, $after: String) {
    syncErrors(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id kind status message occurredAt localId integrationId applicableActions
          mapping { id name }
        }
      }
    }
  }
`);

/**
 * How many errors match: asked apart from the page's rows, so that the rows show as soon as they are read
 * (an index seek) while the count, which reads every matching entry once the store has changed, follows.
 */
export const SyncErrorCountQuery = graphql(`
  query SyncErrorCount($filter: SyncErrorFilter) {
    syncErrors(filter: $filter, first: 0) { totalCount }
  }
`);

/**
 * Open errors counted by mapping, kind and message pattern (largest group first): the grouped view.
 * A group's errors are `filter: { mappingId, kinds: [kind], messagePattern }`.
 */
export const SyncErrorGroupsQuery = graphql(`
  query SyncErrorGroups($filter: SyncErrorFilter, $first: Int, $after: String) {
    syncErrorGroups(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          kind messagePattern example count lastOccurredAt
          mapping { id name }
        }
      }
    }
  }
`);

/**
 * How many errors of a selection (picked ids, or every open error matching a filter) each triage action
 * applies to, by the API's own rule (`SyncError.applicableActions`): the toolbar's "Restore 1 of 2", what
 * "Retry all" will retry, and what a group's buttons offer.
 */
export const SyncErrorActionCountsQuery = graphql(`
  query SyncErrorActionCounts($ids: [ID!], $filter: SyncErrorFilter) {
    syncErrorActionCounts(ids: $ids, filter: $filter) {
      __typename
      ... on SyncErrorActionCounts { total counts { action count } }
      ... on Error { code message }
    }
  }
`);

/**
 * Each failure carries its error (null when it no longer exists), so that the outcome names the records of
 * every failure, those of pages never loaded (a filter-wide or group action) included.
 */
export const ActionResultFields = graphql(`
  fragment ActionResultFields on SyncErrorActionResult {
    requested succeeded failed releasedForRetry
    retryJob { id }
    failures {
      errorId code reason
      error { id kind localId integrationId mapping { id name } }
    }
    jobs { id }
  }
`);

export const RetryAllSyncErrorsMutation = graphql(
  `
  mutation RetryAllSyncErrors($filter: SyncErrorFilter, $runNow: Boolean) {
    retryAllSyncErrors(filter: $filter, runNow: $runNow) {
      __typename
      ...ActionResultFields
      ... on Error { code message }
    }
  }
`,
  [ActionResultFields],
);

export const RetrySyncErrorsMutation = graphql(
  `
  mutation RetrySyncErrors($ids: [ID!], $filter: SyncErrorFilter, $runNow: Boolean) {
    retrySyncErrors(ids: $ids, filter: $filter, runNow: $runNow) {
      __typename
      ...ActionResultFields
      ... on Error { code message }
    }
  }
`,
  [ActionResultFields],
);

export const RemoveCouplingsMutation = graphql(
  `
  mutation RemoveCouplings($ids: [ID!], $filter: SyncErrorFilter) {
    removeCouplings(ids: $ids, filter: $filter) {
      __typename
      ...ActionResultFields
      ... on Error { code message }
    }
  }
`,
  [ActionResultFields],
);

export const RestoreRecordsMutation = graphql(
  `
  mutation RestoreRecords($ids: [ID!], $filter: SyncErrorFilter) {
    restoreRecords(ids: $ids, filter: $filter) {
      __typename
      ...ActionResultFields
      ... on Error { code message }
    }
  }
`,
  [ActionResultFields],
);

export const DeleteRecordsMutation = graphql(
  `
  mutation DeleteRecords($ids: [ID!], $filter: SyncErrorFilter) {
    deleteRecords(ids: $ids, filter: $filter) {
      __typename
      ...ActionResultFields
      ... on Error { code message }
    }
  }
`,
  [ActionResultFields],
);

export const SynchronizeSyncErrorsMutation = graphql(
  `
  mutation SynchronizeSyncErrors(
    $ids: [ID!]
    $filter: SyncErrorFilter
    $winner: Side!
    $fieldWinners: [FieldWinnerInput!]
  ) {
    synchronizeSyncErrors(ids: $ids, filter: $filter, winner: $winner, fieldWinners: $fieldWinners) {
      __typename
      ...ActionResultFields
      ... on Error { code message }
    }
  }
`,
  [ActionResultFields],
);

/**
 * One error for the detail panel: its text, job and coupling, and `records` (both apps read now, field by
 * field against the last sync). Asked for one error at a time, as docs/API.md advises.
 */
export const SyncErrorDetailQuery = graphql(`
  query SyncErrorDetail($id: ID!) {
    syncError(id: $id) {
      __typename
      ... on Error { code message }
      ... on SyncError {
        id kind status message detail occurredAt localId integrationId applicableActions conflictingFields
        resolution resolvedAt resolvedBy
        mapping { id name direction }
        job { id status queuedAt }
        coupling { id state localId integrationId lastSyncedAt parked }
        records {
          localRecord integrationRecord retryWouldRepeat
          unavailable { side message }
          fields {
            localField integrationField direction local integration lastSyncedLocal lastSyncedIntegration
            conflicting changedLocally changedInIntegration
          }
        }
      }
    }
  }
`);

/**
 * Errors of the mapping (or of any mapping, `mappingId: null`) were opened or resolved: the errors page
 * reads itself again (useErrorLive). The dashboard's summary fields, narrowed to one mapping.
 */
export const SyncErrorsChangedSubscription = graphql(
  `
  subscription SyncErrorsChanged($mappingId: ID) {
    syncErrorsChanged(mappingId: $mappingId) { ...ErrorSummaryFields }
  }
`,
  [ErrorSummaryFields],
);
