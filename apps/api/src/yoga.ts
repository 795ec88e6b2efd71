import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import { createYoga, maskError as defaultMaskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { type ApiAccess, createApiAccess } from './auth/api-access.js';
import type { Caller } from './auth/api-keys.js';
import { useSessionLimits } from './auth/subscription-sessions.js';
import { type ApiServices, createContext, type GraphQLContext } from './context.js';
import { ApiError } from './errors/api.error.js';
import { schema } from './graphql/schema.js';
import {
  DEFAULT_KEY_LIMITS,
  disableIntrospection,
  hideValidationSuggestions,
  type KeyLimits,
  LIMITS,
  limitPlugins,
  operationGuard,
  withoutSuggestionsError,
} from './limits.js';
import { yogaLogger } from './observability/log-adapters.js';
import { isLogLevel, type LogLevel } from './observability/log-levels.js';
import { createServerLogger, type ServerLogger } from './observability/logger.js';
import type { ApiMetrics } from './observability/metrics.js';
import { useMetricsEndpoint } from './observability/metrics-endpoint.js';
import { readiness, storeCheck } from './runtime/readiness.js';

export interface ApiOptions {
  /** Allow `__schema` queries. Default: on, except when NODE_ENV is production (TANDEM_INTROSPECTION=true turns it on). */
  introspection?: boolean;
  /** Origins allowed to call from a browser (CORS); default none (the console is served by the same origin). */
  corsOrigins?: string[];
  /** Per-key request rate and subscription cap (config `limits:`); DEFAULT_KEY_LIMITS when absent. */
  limits?: Partial<KeyLimits>;
  /** The server's logger (yoga's lines go through it); default one of its own on stdout, level TANDEM_LOG_LEVEL or info. */
  logger?: ServerLogger;
  /** Serve `/metrics` from this registry, to the metrics token (config `metrics.token`) or an ADMIN key. */
  metrics?: { exporter: ApiMetrics; token?: string };
}

/** Server context a caller comes with: set by the graphql-ws handshake (see server.ts). */
export interface ApiServerContext {
  caller?: Caller | null;
}

/** The yoga server and the key access it checks callers with (server.ts needs it for WebSockets). */
export type ApiYoga = YogaServerInstance<ApiServerContext, GraphQLContext> & { access: ApiAccess };

/** The one path GraphQL is served at; anything else is a 404, never GraphQL. */
export const GRAPHQL_PATH = '/graphql';

function introspectionDefault(): boolean {
  if (process.env.TANDEM_INTROSPECTION != null) return process.env.TANDEM_INTROSPECTION === 'true';
  return process.env.NODE_ENV !== 'production';
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const refusal = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { errors: [{ message, extensions: { code } }] }, headers);

/**
 * The outer wall, before anything GraphQL happens: `/healthz` (the process answers), `/readyz` (the store
 * answers), GraphQL at exactly `/graphql` and nowhere else (yoga alone would also answer `/graphql/`,
 * `/x/graphql` …), and every request that reaches GraphQL — whatever its method — needs a valid,
 * unexpired key (HTTP 401) and must fit in its key's rate (HTTP 429 with Retry-After). `/metrics` never
 * reaches it: the metrics endpoint before it answers that exact path with its own check (metrics token or
 * ADMIN key), and without metrics configured the path is a 404 here like any other.
 */
function useGate(services: ApiServices, access: ApiAccess, callers: WeakMap<Request, Caller>): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/healthz') return endResponse(json(200, { status: 'ok' }));
      if (url.pathname === '/readyz') {
        const state = await readiness(services.readiness ?? [storeCheck(services.store)]);
        return endResponse(
          json(state.ready ? 200 : 503, { status: state.ready ? 'ready' : 'unavailable', ...state.checks }),
        );
      }
      if (url.pathname !== GRAPHQL_PATH) return endResponse(refusal(404, 'NOT_FOUND', 'not found'));
      const caller = await access.authenticate(request.headers.get('authorization'));
      if (!caller) {
        return endResponse(
          refusal(401, 'UNAUTHENTICATED', 'a valid API key is required', { 'www-authenticate': 'Bearer' }),
        );
      }
      const retryAfter = access.limiter.take(caller.keyId);
      if (retryAfter > 0) {
        return endResponse(
          refusal(429, 'RATE_LIMITED', `too many requests for this API key: retry after ${retryAfter} s`, {
            'retry-after': String(retryAfter),
          }),
        );
      }
      callers.set(request, caller);
    },
  };
}

/**
 * Expected failures (ApiError) keep their message and get `extensions.code`; anything else is masked to
 * "Unexpected error." so that internals (SQL, paths) never reach a client. Without introspection (the
 * production default) no message carries a "Did you mean …?" hint either.
 */
function errorMasker(hideSuggestions: boolean) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof ApiError && error instanceof GraphQLError) {
      // The same object, with its code added: yoga logs only errors it had to replace (the unexpected ones).
      (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, code: original.code };
      return error;
    }
    const masked = defaultMaskError(error, message, isDev);
    return hideSuggestions && masked instanceof GraphQLError ? withoutSuggestionsError(masked) : masked;
  };
}

/** Without the server's logger (tests, benches): TANDEM_LOG_LEVEL when it names a level, else info. */
function defaultLogLevel(): LogLevel {
  const level = process.env.TANDEM_LOG_LEVEL;
  return isLogLevel(level) ? level : 'info';
}

export function createApi(services: ApiServices, options: ApiOptions = {}): ApiYoga {
  const callers = new WeakMap<Request, Caller>();
  const limits = { ...DEFAULT_KEY_LIMITS, ...options.limits };
  const access = createApiAccess(services, limits);
  const introspection = options.introspection ?? introspectionDefault();
  const metrics = options.metrics;
  metrics?.exporter.watchSessions(access.sessions);
  const plugins: Plugin[] = [
    // `/metrics` is answered (or refused) before the gate, which sends every other non-GraphQL path to 404.
    ...(metrics ? [useMetricsEndpoint(metrics.exporter, metrics.token, access)] : []),
    useGate(services, access, callers),
    // Simple (non-preflighted) requests — a GET, a form post — must carry one of these headers, so that a
    // page elsewhere cannot make a browser send one.
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'graphql-require-preflight'] }) as Plugin,
    ...limitPlugins(),
    operationGuard(),
    useSessionLimits(access),
    ...(metrics ? [metrics.exporter.operationPlugin()] : []),
  ];
  if (!introspection) plugins.push(disableIntrospection(), hideValidationSuggestions());
  const yoga = createYoga<ApiServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: false,
    landingPage: false,
    batching: false,
    maxRequestBodySize: LIMITS.maxRequestBodyBytes,
    cors: options.corsOrigins?.length
      ? { origin: options.corsOrigins, allowedHeaders: ['authorization', 'content-type', 'x-graphql-yoga-csrf'] }
      : false,
    maskedErrors: { maskError: errorMasker(!introspection) },
    // Through the server's pino logger: JSON lines, errors with their SQL redacted (see observability/logger.ts).
    logging: yogaLogger(options.logger ?? createServerLogger({ level: defaultLogLevel() })),
    context: ({ request, caller }) => createContext(services, caller ?? callers.get(request) ?? null, access.sessions),
    plugins,
  });
  return Object.assign(yoga, { access });
}
