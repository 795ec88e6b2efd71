import { graphql } from './tada';

/** Every key, revoked ones included, newest first (ADMIN); 200 is the API's page maximum. */
export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys(first: 200) {
      totalCount
      edges { node { id name prefix role createdAt lastUsedAt expiresAt revokedAt } }
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($name: String!, $role: ApiKeyRole!, $expiresAt: DateTime) {
    createApiKey(name: $name, role: $role, expiresAt: $expiresAt) {
      __typename
      ... on CreateApiKeyPayload { key apiKey { id name prefix role } }
      ... on Error { message }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on RevokeApiKeyPayload { apiKey { id revokedAt } }
      ... on Error { message }
    }
  }
`);
