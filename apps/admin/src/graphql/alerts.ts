import { graphql } from './tada';

export const AlertRuleFields = graphql(`
  fragment AlertRuleFields on AlertRule {
    id name condition threshold kinds minutes channels enabled source updatedAt
    mapping { id name }
  }
`);

export const AlertStateFields = graphql(`
  fragment AlertStateFields on AlertState {
    id status changedAt message
    rule { id name }
    mapping { id name }
    job { id }
  }
`);

/** The Alerts page: rules, the states that fire now, the channels and mappings a form offers. */
export const AlertsPageQuery = graphql(
  `
  query AlertsPage {
    alertRules(first: 200) { totalCount edges { node { ...AlertRuleFields } } }
    alertStates(status: FIRING, first: 200) { edges { node { ...AlertStateFields } } }
    alertChannels { name type }
    tableMappings { id name }
  }
`,
  [AlertRuleFields, AlertStateFields],
);

/** What fires now, for the dashboard's panel. */
export const FiringAlertsQuery = graphql(
  `
  query FiringAlerts {
    alertStates(status: FIRING, first: 50) { totalCount edges { node { ...AlertStateFields } } }
  }
`,
  [AlertStateFields],
);

export const AlertStateChangedSubscription = graphql(
  `
  subscription AlertStateChanged {
    alertStateChanged { ...AlertStateFields }
  }
`,
  [AlertStateFields],
);

/** The delivery log, newest first, each with its latest attempts. */
export const AlertDeliveriesQuery = graphql(`
  query AlertDeliveries($first: Int, $after: String) {
    alertDeliveries(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id event channel status attempts messageId createdAt nextAttemptAt deliveredAt lastStatusCode lastError
          rule { id name }
          mapping { id name }
          attemptLog(first: 3) { edges { node { attemptedAt durationMs succeeded statusCode error } } }
        }
      }
    }
  }
`);

export const CreateAlertRuleMutation = graphql(
  `
  mutation CreateAlertRule($input: AlertRuleInput!) {
    createAlertRule(input: $input) {
      __typename
      ... on AlertRulePayload { rule { ...AlertRuleFields } }
      ... on InvalidInputError { argument message }
      ... on Error { message }
    }
  }
`,
  [AlertRuleFields],
);

export const UpdateAlertRuleMutation = graphql(
  `
  mutation UpdateAlertRule($id: ID!, $input: AlertRuleInput!) {
    updateAlertRule(id: $id, input: $input) {
      __typename
      ... on AlertRulePayload { rule { ...AlertRuleFields } }
      ... on InvalidInputError { argument message }
      ... on Error { message }
    }
  }
`,
  [AlertRuleFields],
);

export const SetAlertRuleEnabledMutation = graphql(
  `
  mutation SetAlertRuleEnabled($id: ID!, $enabled: Boolean!) {
    setAlertRuleEnabled(id: $id, enabled: $enabled) {
      __typename
      ... on AlertRulePayload { rule { ...AlertRuleFields } }
      ... on Error { message }
    }
  }
`,
  [AlertRuleFields],
);

export const TestAlertRuleMutation = graphql(`
  mutation TestAlertRule($id: ID!) {
    testAlertRule(id: $id) {
      __typename
      ... on TestAlertRulePayload { deliveries { id channel } }
      ... on Error { message }
    }
  }
`);

export const ResendAlertDeliveryMutation = graphql(`
  mutation ResendAlertDelivery($id: ID!) {
    resendAlertDelivery(id: $id) {
      __typename
      ... on AlertDeliveryPayload { delivery { id status } }
      ... on Error { message }
    }
  }
`);
