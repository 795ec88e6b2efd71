/** The API's HTTP and WebSocket endpoints: the console is served by the API, so both are same-origin. */
export function apiUrls(origin: string): { http: string; ws: string } {
  const http = `${origin.replace(/\/$/, '')}/graphql`;
  return { http, ws: http.replace(/^http/, 'ws') };
}

/** The header value the API expects, over HTTP and in graphql-ws's `connection_init` payload alike. */
export function bearer(apiKey: string): string {
  return `Bearer ${apiKey.trim()}`;
}
