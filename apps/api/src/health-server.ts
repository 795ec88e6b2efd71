import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsAccess } from './observability/metrics-access.js';
import { METRICS_PATH } from './observability/metrics-endpoint.js';
import { type ReadinessCheck, readiness } from './runtime/readiness.js';

export interface HealthServer {
  url: string;
  http: Server;
  close(): Promise<void>;
}

/** `/metrics` on a worker: the page, and who may read it (the metrics token or an ADMIN key). */
export interface HealthMetrics {
  page(): Promise<{ contentType: string; body: string }>;
  check(authorization: string | null): Promise<MetricsAccess>;
}

/**
 * What a worker process (`tandem start --role worker`) serves: `/healthz` and `/readyz` for process
 * managers and load balancers, and `/metrics` (its jobs' metrics) to the metrics token or an ADMIN key —
 * no GraphQL, no console, no data.
 */
export async function startHealthServer(
  checks: readonly ReadinessCheck[],
  options: { port: number; host?: string; metrics?: HealthMetrics },
): Promise<HealthServer> {
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (path === '/healthz') return reply(200, { status: 'ok' });
    if (path === METRICS_PATH && options.metrics) {
      const metrics = options.metrics;
      void metrics.check(req.headers.authorization ?? null).then(async (verdict) => {
        if (!verdict.allowed) {
          const message = 'the metrics token or an ADMIN API key is required';
          return reply(
            401,
            { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] },
            { 'www-authenticate': 'Bearer' },
          );
        }
        const page = await metrics.page();
        res.writeHead(200, { 'content-type': page.contentType }).end(page.body);
      });
      return;
    }
    if (path === '/readyz') {
      void readiness(checks).then((state) =>
        reply(state.ready ? 200 : 503, { status: state.ready ? 'ready' : 'unavailable', ...state.checks }),
      );
      return;
    }
    reply(404, { errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${host}:${port}`,
    http,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
