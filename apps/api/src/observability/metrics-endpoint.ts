import type { Plugin } from 'graphql-yoga';
import type { ApiAccess } from '../auth/api-access.js';
import type { ApiMetrics } from './metrics.js';
import { metricsAccess } from './metrics-access.js';

/** The one path metrics are served at; like `/graphql`, nothing else (`/metrics/`, `//metrics`) is it. */
export const METRICS_PATH = '/metrics';

const refusal = (status: number, code: string, message: string, headers: Record<string, string>) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/**
 * `GET /metrics` in Prometheus' text format, for the metrics token or an ADMIN key (HTTP 401 otherwise,
 * with no metric in the body: even counts per mapping tell an outsider what is synchronized). It runs
 * before the gate, which answers 404 for every other path that is not GraphQL.
 */
export function useMetricsEndpoint(metrics: ApiMetrics, token: string | undefined, access: ApiAccess): Plugin {
  const check = metricsAccess(token, access);
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== METRICS_PATH) return;
      const verdict = await check(request.headers.get('authorization'));
      if (!verdict.allowed && verdict.retryAfter) {
        const message = `too many requests for this API key: retry after ${verdict.retryAfter} s`;
        return endResponse(refusal(429, 'RATE_LIMITED', message, { 'retry-after': String(verdict.retryAfter) }));
      }
      if (!verdict.allowed) {
        const message = 'the metrics token or an ADMIN API key is required';
        return endResponse(refusal(401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer' }));
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      }
      const page = await metrics.page();
      return endResponse(
        new Response(request.method === 'HEAD' ? null : page.body, { headers: { 'content-type': page.contentType } }),
      );
    },
  };
}
