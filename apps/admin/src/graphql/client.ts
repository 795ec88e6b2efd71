import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { takeEarlyResponse } from './early-requests';
import { apiUrls, bearer } from './urls';

export interface ApiClient {
  client: Client;
  /** Closes the WebSocket; called when the key changes or the user signs out. */
  dispose(): void;
}

/**
 * One urql client per API key: queries and mutations over HTTP, subscriptions over one lazy graphql-ws
 * connection (opened by the first subscription, kept while any is active, re-opened after a drop).
 * `onUnauthorized` runs when the API answers 401 (the key was revoked while the console was open).
 */
export function createApiClient(apiKey: string, onUnauthorized: () => void, origin = location.origin): ApiClient {
  const urls = apiUrls(origin);
  const ws = createWsClient({
    url: urls.ws,
    lazy: true,
    connectionParams: { authorization: bearer(apiKey) },
    retryAttempts: Number.POSITIVE_INFINITY,
    // A 4403 close means the key is not accepted: retrying would only repeat the refusal.
    shouldRetry: (event) => !(event && typeof event === 'object' && 'code' in event && event.code === 4403),
  });
  const client = new Client({
    url: urls.http,
    // POST with JSON: a GET query would need the API's CSRF header and would put filters into access logs.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: bearer(apiKey) } }),
    // A question the errors page's first paint already asked (same query, variables and key) takes its
    // answer instead of asking again (early-requests.ts).
    fetch: (input, init) => takeEarlyResponse(init) ?? fetch(input, init),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.response?.status === 401) onUnauthorized();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}
