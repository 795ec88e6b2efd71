import type { ApiServices } from '../context.js';
import type { KeyLimits } from '../limits.js';
import { authenticateApiKey, bearerToken, type Caller } from './api-keys.js';
import { KeySessions } from './key-sessions.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Everything the API checks a caller with, shared by HTTP (yoga's gate), SSE and WebSocket (server.ts):
 * who the key belongs to, its request rate, and the sessions it holds open so that revoking or expiring
 * it closes them.
 */
export interface ApiAccess {
  /** The caller of an `Authorization` header value (`Bearer tdm_…`), or null. */
  authenticate(authorization: string | null | undefined): Promise<Caller | null>;
  /** The caller of a bare token (graphql-ws `connection_init`), or null. */
  authenticateToken(token: string | null): Promise<Caller | null>;
  limiter: RateLimiter;
  sessions: KeySessions;
  limits: KeyLimits;
  close(): void;
}

export function createApiAccess(services: ApiServices, limits: KeyLimits): ApiAccess {
  const authenticateToken = async (token: string | null) =>
    token ? authenticateApiKey(services.store.em(), token) : null;
  const sessions = new KeySessions(() => services.store.em());
  return {
    authenticate: (authorization) => authenticateToken(bearerToken(authorization)),
    authenticateToken,
    limiter: new RateLimiter(limits.requestsPerMinutePerKey),
    sessions,
    limits,
    close: () => sessions.close(),
  };
}
