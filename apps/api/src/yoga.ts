import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { redactSql } from '@tandem/sync-core';
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

export interface ApiOptions {
  /** Allow `__schema` queries. Default: on, except when NODE_ENV is production (TANDEM_INTROSPECTION=true turns it on). */
  introspection?: boolean;
  /** Origins allowed to call from a browser (CORS); default none (the console is served by the same origin). */
  corsOrigins?: string[];
  /** Per-key request rate and subscription cap (config `limits:`); DEFAULT_KEY_LIMITS when absent. */
  limits?: Partial<KeyLimits>;
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
 * unexpired key (HTTP 401) and must fit in its key's rate (HTTP 429 with Retry-After).
 */
function useGate(services: ApiServices, access: ApiAccess, callers: WeakMap<Request, Caller>): Plugin {
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

/**
 * Yoga's log lines, with SQL values taken out: a driver error's message holds the statement with its
 * values inlined (a key hash, a customer's e-mail) — the log says what failed, not with what.
 */
function redactingLogger(debug: boolean) {
  const redact = (args: unknown[]) =>
    args.map((arg) =>
      arg instanceof Error ? `${arg.name}: ${redactSql(arg.message)}` : typeof arg === 'string' ? redactSql(arg) : arg,
    );
  return {
    debug: (...args: unknown[]) => {
      if (debug) console.debug(...redact(args));
    },
    info: (...args: unknown[]) => {
      if (debug) console.info(...redact(args));
    },
    warn: (...args: unknown[]) => console.warn(...redact(args)),
    error: (...args: unknown[]) => console.error(...redact(args)),
  };
}

export function createApi(services: ApiServices, options: ApiOptions = {}): ApiYoga {
  const callers = new WeakMap<Request, Caller>();
  const limits = { ...DEFAULT_KEY_LIMITS, ...options.limits };
  const access = createApiAccess(services, limits);
  const introspection = options.introspection ?? introspectionDefault();
  const plugins: Plugin[] = [
    useGate(services, access, callers),
    // Simple (non-preflighted) requests — a GET, a form post — must carry one of these headers, so that a
    // page elsewhere cannot make a browser send one.
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'graphql-require-preflight'] }) as Plugin,
    ...limitPlugins(),
    operationGuard(),
    useSessionLimits(access),
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
    logging: redactingLogger(process.env.TANDEM_LOG_LEVEL === 'debug'),
    context: ({ request, caller }) => createContext(services, caller ?? callers.get(request) ?? null, access.sessions),
    plugins,
  });
  return Object.assign(yoga, { access });
}
