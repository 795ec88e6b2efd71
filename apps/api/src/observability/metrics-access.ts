import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiAccess } from '../auth/api-access.js';
import { bearerToken } from '../auth/api-keys.js';

/** Whether a `/metrics` request may read: yes, no, or not now (its key's rate is spent). */
export type MetricsAccess = { allowed: true } | { allowed: false; retryAfter?: number };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Who may scrape: whoever sends the metrics token (`metrics.token`, as `Authorization: Bearer …`) or an
 * ADMIN API key. The token is compared in constant time — both sides hashed first, so that neither its
 * content nor its length leaks through timing. A key takes from its request rate like any other request;
 * the token does not (Prometheus scrapes on its own schedule). Everything else — no header, a wrong token,
 * a VIEWER or OPERATOR key — is refused, and the refusal says nothing of which it was.
 */
export function metricsAccess(token: string | undefined, access: ApiAccess) {
  const expected = token ? digest(token) : null;
  return async (authorization: string | null): Promise<MetricsAccess> => {
    const sent = bearerToken(authorization);
    if (!sent) return { allowed: false };
    if (expected && timingSafeEqual(digest(sent), expected)) return { allowed: true };
    const caller = await access.authenticateToken(sent);
    if (caller?.role !== 'ADMIN') return { allowed: false };
    const retryAfter = access.limiter.take(caller.keyId);
    return retryAfter > 0 ? { allowed: false, retryAfter } : { allowed: true };
  };
}
