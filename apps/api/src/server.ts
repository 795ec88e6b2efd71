import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticateApiKey, bearerToken, type Caller } from './auth/api-keys.js';
import type { ApiServices } from './context.js';
import { LIMITS } from './limits.js';
import { createAdminHandler } from './serve-admin.js';
import type { ApiYoga } from './yoga.js';

export interface ApiServer {
  /** `http://host:port` as reached from this machine. */
  url: string;
  port: number;
  http: Server;
  close(): Promise<void>;
}

interface Enveloped {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/** graphql-ws sends its key in `connection_init`: `{ authorization: "Bearer …" }` (the bare key works too). */
function tokenFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value !== 'string') return null;
  return bearerToken(value) ?? (value.includes(' ') ? null : value);
}

/**
 * One port for everything: yoga on node's http server answers `/graphql` (GET, POST, SSE subscriptions),
 * `/healthz` and `/readyz`; graphql-ws runs on the same port and path for WebSocket subscriptions.
 * A WebSocket without a valid key is closed in the handshake (4403 Forbidden) before any subscription.
 */
export async function startApiServer(
  yoga: ApiYoga,
  services: ApiServices,
  options: { port: number; host?: string; adminDir?: string },
): Promise<ApiServer> {
  // The built console (apps/admin/dist) at `/`, when there is one; the API's own paths go to yoga.
  const admin = createAdminHandler(options.adminDir);
  const http = createServer((req, res) => {
    if (admin?.(req, res)) return;
    void yoga(req, res);
  });
  const wss = new WebSocketServer({ server: http, path: '/graphql', maxPayload: LIMITS.maxRequestBodyBytes });
  const callers = new WeakMap<object, Caller>();
  const ws = useServer<Record<string, unknown>>(
    {
      onConnect: async (ctx) => {
        const token = tokenFromConnectionParams(ctx.connectionParams);
        const caller = token ? await authenticateApiKey(services.store.em(), token) : null;
        if (!caller) return false;
        callers.set(ctx.extra, caller);
        return true;
      },
      execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        // Yoga's envelop: the same parse/validate (with the armor limits), context and plugins as HTTP.
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          caller: callers.get(ctx.extra) ?? null,
        });
        const document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    http,
    async close() {
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
