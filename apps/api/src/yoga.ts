import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import { createYoga, maskError as defaultMaskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { authenticateApiKey, bearerToken, type Caller } from './auth/api-keys.js';
import { type ApiServices, createContext, type GraphQLContext } from './context.js';
import { ApiError } from './errors/api.error.js';
import { schema } from './graphql/schema.js';
import { disableIntrospection, LIMITS, limitPlugins } from './limits.js';

export interface ApiOptions {
  /** Allow `__schema` queries. Default: on, except when NODE_ENV is production (TANDEM_INTROSPECTION=true turns it on). */
  introspection?: boolean;
  /** Origins allowed to call from a browser (CORS); default none (the console is served by the same origin). */
  corsOrigins?: string[];
}

/** Server context a caller comes with: set by the graphql-ws handshake (see server.ts). */
export interface ApiServerContext {
  caller?: Caller | null;
}

export type ApiYoga = YogaServerInstance<ApiServerContext, GraphQLContext>;

function introspectionDefault(): boolean {
  if (process.env.TANDEM_INTROSPECTION != null) return process.env.TANDEM_INTROSPECTION === 'true';
  return process.env.NODE_ENV !== 'production';
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/**
 * Health endpoints and authentication, before anything GraphQL happens: `/healthz` (the process answers),
 * `/readyz` (the store answers), and on `/graphql` no valid API key means HTTP 401 with no data.
 */
function useGate(services: ApiServices, callers: WeakMap<Request, Caller>): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/healthz') return endResponse(json(200, { status: 'ok' }));
      if (url.pathname === '/readyz') {
        try {
          await services.store.em().getConnection().execute('select 1');
          return endResponse(json(200, { status: 'ready' }));
        } catch {
          return endResponse(json(503, { status: 'unavailable' }));
        }
      }
      if (url.pathname !== '/graphql' || request.method === 'OPTIONS') return;
      const token = bearerToken(request.headers.get('authorization'));
      const caller = token ? await authenticateApiKey(services.store.em(), token) : null;
      if (!caller) {
        return endResponse(
          json(
            401,
            { errors: [{ message: 'a valid API key is required', extensions: { code: 'UNAUTHENTICATED' } }] },
            { 'www-authenticate': 'Bearer' },
          ),
        );
      }
      callers.set(request, caller);
    },
  };
}

/**
 * Expected failures (ApiError) keep their message and get `extensions.code`; anything else is masked to
 * "Unexpected error." so that internals (SQL, paths) never reach a client.
 */
function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof ApiError && error instanceof GraphQLError) {
    // The same object, with its code added: yoga logs only errors it had to replace (the unexpected ones).
    (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, code: original.code };
    return error;
  }
  return defaultMaskError(error, message, isDev);
}

export function createApi(services: ApiServices, options: ApiOptions = {}): ApiYoga {
  const callers = new WeakMap<Request, Caller>();
  const plugins: Plugin[] = [
    useGate(services, callers),
    // Simple (non-preflighted) requests — a GET, a form post — must carry one of these headers, so that a
    // page elsewhere cannot make a browser send one.
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'graphql-require-preflight'] }) as Plugin,
    ...limitPlugins(),
  ];
  if (!(options.introspection ?? introspectionDefault())) plugins.push(disableIntrospection());
  return createYoga<ApiServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    batching: false,
    maxRequestBodySize: LIMITS.maxRequestBodyBytes,
    cors: options.corsOrigins?.length
      ? { origin: options.corsOrigins, allowedHeaders: ['authorization', 'content-type', 'x-graphql-yoga-csrf'] }
      : false,
    maskedErrors: { maskError },
    logging: process.env.TANDEM_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
    context: ({ request, caller }) => createContext(services, caller ?? callers.get(request) ?? null),
    plugins,
  });
}
