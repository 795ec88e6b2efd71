/** Where a key stands: usable, revoked by an admin, or past its expiry (revocation wins if both). */
export type ApiKeyState = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export function apiKeyState(
  key: { revokedAt?: string | null; expiresAt?: string | null },
  now = Date.now(),
): ApiKeyState {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'EXPIRED';
  return 'ACTIVE';
}
