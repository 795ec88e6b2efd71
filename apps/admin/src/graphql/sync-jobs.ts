import { JobFields } from './dashboard';
import { graphql } from './tada';

export const SyncJobsQuery = graphql(
  `
  query SyncJobs($mappingId: ID, $statuses: [SyncJobStatus!], $first: Int, $after: String) {
    syncJobs(mappingId: $mappingId, statuses: $statuses, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ...JobFields } }
    }
  }
`,
  [JobFields],
);

export const SyncJobDetailQuery = graphql(
  `
  query SyncJobDetail($id: ID!, $first: Int, $after: String) {
    syncJob(id: $id) {
      __typename
      # Aliased: SyncJob.message is nullable, Error.message is not, and one selection cannot hold both.
      ... on Error { code problem: message }
      ... on SyncJob {
        ...JobFields
        requestedBy
        errors(first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges {
            node {
              id kind status message occurredAt localId integrationId applicableActions
              mapping { id name }
            }
          }
        }
      }
    }
  }
`,
  [JobFields],
);

export const RunSyncMutation = graphql(
  `
  mutation RunSync($mappingId: ID!, $full: Boolean) {
    runSync(mappingId: $mappingId, full: $full) {
      __typename
      ... on RunSyncPayload { alreadyQueued job { ...JobFields } }
      ... on Error { code message }
    }
  }
`,
  [JobFields],
);

/** What one job did, coupling by coupling, newest first; `actions` narrows it. */
export const SyncJobLogQuery = graphql(`
  query SyncJobLog($id: ID!, $actions: [SyncLogAction!], $first: Int, $after: String) {
    syncJob(id: $id) {
      __typename
      ... on SyncJob {
        id
        log(actions: $actions, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { id action direction message occurredAt localId integrationId changes { field side } } }
        }
      }
    }
  }
`);

/** One job, to follow it until it ends (a retry's RETRY job, a record's MANUAL job). */
export const FollowJobQuery = graphql(
  `
  query FollowJob($id: ID!) {
    syncJob(id: $id) {
      __typename
      ... on Error { code problem: message }
      ... on SyncJob { ...JobFields requestedBy }
    }
  }
`,
  [JobFields],
);

/** The jobs of one mapping as they change: how a followed job's progress and end arrive. */
export const FollowJobChangedSubscription = graphql(
  `
  subscription FollowJobChanged($mappingId: ID) {
    syncJobChanged(mappingId: $mappingId) { ...JobFields }
  }
`,
  [JobFields],
);
