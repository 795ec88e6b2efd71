import { graphql } from './tada';

/** One record's history, newest first, with the coupling it belongs to (from the newest entry). */
export const RecordSyncLogQuery = graphql(`
  query RecordSyncLog($mappingId: ID!, $side: Side!, $recordId: String!, $first: Int, $after: String) {
    recordSyncLog(mappingId: $mappingId, side: $side, recordId: $recordId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id action actor direction message occurredAt localId integrationId
          job { id }
          coupling { id state localId integrationId lastSyncedAt failureCount parked }
          changes { field side before after }
        }
      }
    }
  }
`);
