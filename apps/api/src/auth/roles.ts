import type { ApiKeyRole } from '@tandem/sync-core';

/** Each role includes the ones before it: VIEWER reads and subscribes, OPERATOR acts, ADMIN manages. */
const RANK: Record<ApiKeyRole, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

export function hasRole(role: ApiKeyRole | undefined | null, needed: ApiKeyRole): boolean {
  return role != null && RANK[role] >= RANK[needed];
}
