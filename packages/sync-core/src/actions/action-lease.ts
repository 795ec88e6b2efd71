import { randomUUID } from 'node:crypto';
import type { Store } from '../db/orm.js';
import { MappingBusyError } from '../errors/mapping-busy.error.js';
import {
  acquireMappingLease,
  DEFAULT_LEASE_TTL_MS,
  type MappingLeaseState,
  readMappingLease,
  releaseMappingLease,
  renewMappingLease,
} from '../jobs/mapping-lease.js';

/**
 * An action that writes a mapping's records or couplings takes the same per-mapping lease a job holds for
 * its whole run (DESIGN.md rule 8), so that an action and a job never write one mapping's records, couplings,
 * errors and log at once — on one process or many. See docs/TRIAGE.md, "Actions and running jobs".
 */
export interface ActionLeaseSettings {
  /**
   * How long an action waits for a running job (or another action) of the mapping to let go before it
   * refuses that mapping's items with MAPPING_BUSY. Long enough for a scheduled incremental run to end;
   * 0 tries once.
   */
  waitMs: number;
  /** Lease lifetime without renewal; renewed every third of it while the action writes. */
  ttlMs: number;
}

export const DEFAULT_ACTION_LEASE: ActionLeaseSettings = { waitMs: 5_000, ttlMs: DEFAULT_LEASE_TTL_MS };

/** An action's lease owner starts with this, so that a refusal (and a person reading the table) can tell it from a job's worker. */
export const ACTION_LEASE_OWNER_PREFIX = 'action:';

/** The mapping's lease while an action holds it. */
export interface HeldMappingLease {
  readonly mappingId: number;
  /**
   * Renews the lease now. False once it is lost — it ran out before a renewal and a job may have taken the
   * mapping — after which the action must write nothing more for this mapping.
   */
  stillHeld(): Promise<boolean>;
}

/** First pause between two tries while the lease is held elsewhere; doubled up to `MAX_POLL_MS`. */
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 500;

/**
 * Runs `body` holding the mapping's lease: waits up to `waitMs` for it, renews it while `body` runs, and
 * releases it however `body` ends. Throws `MappingBusyError` (nothing done) when the lease stays held.
 * The owner is unique per call, so an action never re-enters the lease of a job of its own process.
 */
export async function withMappingLease<T>(
  store: Store,
  mappingId: number,
  settings: Partial<ActionLeaseSettings> | undefined,
  body: (lease: HeldMappingLease) => Promise<T>,
): Promise<T> {
  const { waitMs, ttlMs } = { ...DEFAULT_ACTION_LEASE, ...settings };
  const owner = `${ACTION_LEASE_OWNER_PREFIX}${randomUUID()}`;
  await acquireWaiting(store, { mappingId, owner, ttlMs }, waitMs);
  let lost = false;
  const renew = async () => {
    if (lost) return false;
    lost = !(await renewMappingLease(store.em(), { mappingId, owner, ttlMs }));
    return !lost;
  };
  // A failed renewal (a busy store) is tried again on the next beat; only a lease that ran out is lost.
  const heartbeat = setInterval(() => renew().catch(() => undefined), ttlMs / 3);
  try {
    return await body({ mappingId, stillHeld: renew });
  } finally {
    clearInterval(heartbeat);
    // Should the release itself fail (the store gone), the lease runs out after `ttlMs`; the action's own
    // outcome or error is what its caller must hear.
    await releaseMappingLease(store.em(), mappingId, owner).catch(() => undefined);
  }
}

async function acquireWaiting(
  store: Store,
  request: { mappingId: number; owner: string; ttlMs: number },
  waitMs: number,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  let pause = FIRST_POLL_MS;
  for (;;) {
    if (await acquireMappingLease(store.em(), { ...request, jobId: null })) return;
    const left = deadline - Date.now();
    if (left <= 0) throw busyError(request.mappingId, await readMappingLease(store.em(), request.mappingId));
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

function busyError(mappingId: number, holder: MappingLeaseState | null): MappingBusyError {
  if (holder?.owner.startsWith(ACTION_LEASE_OWNER_PREFIX)) {
    return new MappingBusyError(
      mappingId,
      null,
      'another action on this mapping’s records is running; try again when it ends',
    );
  }
  const job = holder?.jobId == null ? '' : ` (job ${holder.jobId})`;
  return new MappingBusyError(
    mappingId,
    holder?.jobId ?? null,
    `a job of this mapping is running${job}; try again when it ends`,
  );
}

/** The refusal of the items an action could not finish because its lease ran out mid-way. */
export function leaseLostError(mappingId: number): MappingBusyError {
  return new MappingBusyError(
    mappingId,
    null,
    'the action lost the mapping to a job (its lease ran out before it was renewed); try again',
  );
}
