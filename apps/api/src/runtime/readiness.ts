import type { Store } from '@tandem/sync-core';

/** One dependency `/readyz` checks, by name (the answer lists them). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

/** The store answers a trivial query. */
export function storeCheck(store: Store): ReadinessCheck {
  return {
    name: 'store',
    check: async () => {
      await store.em().getConnection().execute('select 1');
      return true;
    },
  };
}

/**
 * Runs every check: ready only when all pass. A check that throws counts as not ready — `/readyz` is
 * what a load balancer asks before sending traffic, and "I could not tell" is a no.
 */
export async function readiness(
  checks: readonly ReadinessCheck[],
): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
  const results: Record<string, boolean> = {};
  for (const { name, check } of checks) {
    try {
      results[name] = await check();
    } catch {
      results[name] = false;
    }
  }
  return { ready: Object.values(results).every(Boolean), checks: results };
}
