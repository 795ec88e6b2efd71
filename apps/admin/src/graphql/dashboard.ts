import { graphql } from './tada';

export const ErrorSummaryFields = graphql(`
  fragment ErrorSummaryFields on SyncErrorSummary {
    total
    byKind { kind count }
    byMapping { count mapping { id name } }
  }
`);

export const ErrorSummaryQuery = graphql(
  `
  query ErrorSummary {
    syncErrorSummary { ...ErrorSummaryFields }
  }
`,
  [ErrorSummaryFields],
);

export const ErrorSummaryChangedSubscription = graphql(
  `
  subscription ErrorSummaryChanged {
    syncErrorsChanged { ...ErrorSummaryFields }
  }
`,
  [ErrorSummaryFields],
);

export const JobFields = graphql(`
  fragment JobFields on SyncJob {
    id status trigger full processed message queuedAt startedAt finishedAt
    inserted modified deleted unchanged skipped failed coupled uncoupled
    mapping { id name }
  }
`);

export const RecentJobsQuery = graphql(
  `
  query RecentJobs($first: Int) {
    syncJobs(first: $first) { edges { node { ...JobFields } } }
  }
`,
  [JobFields],
);

export const JobChangedSubscription = graphql(
  `
  subscription JobChanged {
    syncJobChanged { ...JobFields }
  }
`,
  [JobFields],
);

/** Finished jobs per time bucket by final status: the dashboard's outcomes chart. */
export const JobOutcomesQuery = graphql(`
  query JobOutcomes($hours: Int!, $bucketMinutes: Int!) {
    syncJobOutcomes(hours: $hours, bucketMinutes: $bucketMinutes) { start end succeeded partial failed cancelled }
  }
`);
