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

/** The mapping a record's log is about: its name and direction (what "Synchronize now" does). */
export const LogMappingQuery = graphql(`
  query LogMapping {
    tableMappings { id name direction }
  }
`);

/**
 * "Synchronize now": a MANUAL job scoped to the given records (or couplings), requested by the caller, in
 * the mapping's direction; per item, why a record could not go into it.
 */
export const SynchronizeRecordsMutation = graphql(`
  mutation SynchronizeRecords($mappingId: ID!, $side: Side, $recordIds: [String!], $couplingIds: [ID!]) {
    synchronizeRecords(mappingId: $mappingId, side: $side, recordIds: $recordIds, couplingIds: $couplingIds) {
      __typename
      ... on SynchronizeRecordsResult {
        requested queued
        failures { item code reason }
        job { id status trigger requestedBy }
      }
      ... on Error { code message }
    }
  }
`);

/**
 * "Couple…": the record now and the records of the other app it could be coupled to — by the mapping's
 * match fields, or by a typed search — each saying whether it is coupled already.
 */
export const CoupleCandidatesQuery = graphql(`
  query CoupleCandidates($mappingId: ID!, $side: Side!, $recordId: String!, $search: CandidateSearchInput, $first: Int) {
    coupleCandidates(mappingId: $mappingId, side: $side, recordId: $recordId, search: $search, first: $first) {
      __typename
      ... on CoupleCandidatesResult {
        side recordId record searchedBy hasMore
        recordCoupling { localId integrationId }
        fields { localField integrationField useForMatch }
        candidates { recordId values matchedFields coupled coupling { localId integrationId } }
      }
      ... on Error { code message }
    }
  }
`);

/** Couples two records by hand and synchronizes them at once (the local record wins where they differ). */
export const CoupleRecordsMutation = graphql(`
  mutation CoupleRecords($mappingId: ID!, $localId: String!, $integrationId: String!) {
    coupleRecords(mappingId: $mappingId, localId: $localId, integrationId: $integrationId) {
      __typename
      ... on CoupleRecordsPayload { outcome outcomeMessage: message coupling { id state localId integrationId } }
      ... on Error { code message }
    }
  }
`);

/** The mapped fields "Couple…" can search in (also when the mapping has no match fields). */
export const CoupleMappingFieldsQuery = graphql(`
  query CoupleMappingFields {
    tableMappings { id fields { localField integrationField useForMatch enabled } }
  }
`);
