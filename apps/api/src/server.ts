import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { bearerToken, type Caller } from './auth/api-keys.js';
import type { ApiServices } from './context.js';
import { LIMITS } from './limits.js';
import { METRICS_PATH } from './observability/metrics-endpoint.js';
import { createAdminHandler } from './serve-admin.js';
import { type ApiYoga, GRAPHQL_PATH } from './yoga.js';

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

/** The paths yoga answers (its gate refuses any other with 404, this only keeps them off the console). */
const API_PATHS = new Set([GRAPHQL_PATH, '/healthz', '/readyz', METRICS_PATH]);

/** graphql-ws sends its key in `connection_init`: `{ authorization: "Bearer …" }` (the bare key works too). */
function tokenFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value !== 'string') return null;
  return bearerToken(value) ?? (value.includes(' ') ? null : value);
}

/** The request's path exactly as sent (no normalising: `//graphql` must not become `/graphql`). */
function rawPath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * One port for everything: yoga on node's http server answers `/graphql` (GET, POST, SSE subscriptions),
 * `/healthz`, `/readyz` and `/metrics`; graphql-ws runs on the same port and exact path for WebSocket subscriptions;
 * the console's files are served from `/`; any other path is a 404.
 *
 * A WebSocket is a long-lived caller, so its key is checked more than once: at the handshake (no valid
 * key: closed with 4403 Forbidden before any operation), again before every operation (cached a second),
 * and by the key sessions' sweep, which closes the socket with 4403 within about two seconds of the key
 * being revoked or expiring — whichever API process revoked it.
 */
export async function startApiServer(
  yoga: ApiYoga,
  _services: ApiServices,
  options: { port: number; host?: string; adminDir?: string },
): Promise<ApiServer> {
  const access = yoga.access;
  const admin = createAdminHandler(options.adminDir);
  const http = createServer((req, res) => {
    if (API_PATHS.has(rawPath(req))) {
      void yoga(req, res);
      return;
    }
    if (admin?.(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] }));
  });
  const wss = new WebSocketServer({ server: http, path: GRAPHQL_PATH, maxPayload: LIMITS.maxRequestBodyBytes });
  const callers = new WeakMap<object, { caller: Caller; release: () => void }>();
  const ws = useServer<Record<string, unknown>>(
    {
      onConnect: async (ctx) => {
        const caller = await access.authenticateToken(tokenFromConnectionParams(ctx.connectionParams));
        if (!caller) return false;
        const release = access.sessions.open(caller, 'connection', (reason) => {
          ctx.extra.socket.close(CloseCode.Forbidden, `Forbidden: the API key was ${reason}`);
        });
        callers.set(ctx.extra, { caller, release });
        return true;
      },
      onClose: (ctx) => {
        callers.get(ctx.extra)?.release();
      },
      execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const session = callers.get(ctx.extra);
        if (!session || !(await access.sessions.keyStillValid(session.caller))) {
          // A revoked or expired key runs nothing more on this socket.
          access.sessions.endAll(session?.caller.keyId ?? -1, 'revoked');
          ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden: the API key is no longer valid');
          return [new GraphQLError('the API key is no longer valid', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        const retryAfter = access.limiter.take(session.caller.keyId);
        if (retryAfter > 0) {
          return [
            new GraphQLError(`too many requests for this API key: retry after ${retryAfter} s`, {
              extensions: { code: 'RATE_LIMITED', retryAfter },
            }),
          ];
        }
        // Yoga's envelop: the same parse/validate (with the limits), context and plugins as HTTP.
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          caller: session.caller,
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
      access.close();
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
