import type { EntityManager } from '@mikro-orm/knex';

/**
 * The per-mapping lease: the one thing that keeps a mapping from running twice at once, on one process or
 * many. A lease is a `mapping_lease` row with an owner (a worker id) and an expiry in epoch ms. Its holder
 * renews it while the job runs; a crashed holder stops renewing, so its lease simply runs out and anyone
 * may take it. Every operation is one statement, so no read-then-write race exists on either database.
 */

/** How long a lease lasts without renewal. The holder renews at a third of it (see the in-process queue). */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface LeaseRequest {
  mappingId: number;
  /** The worker id of the process; unique among live processes. */
  owner: string;
  ttlMs: number;
  /** The job the lease is taken for, kept on the row for people looking at the database. */
  jobId?: number | null;
  now?: number;
}

export interface MappingLeaseState {
  mappingId: number;
  owner: string;
  jobId: number | null;
  acquiredAt: number;
  expiresAt: number;
}

/**
 * Takes the mapping's lease when nobody holds it, when the holder's lease has run out, or when `owner`
 * already holds it (re-entry: callers keep their own record of which mappings they run). Returns whether
 * `owner` holds the lease now.
 *
 * The upsert's WHERE is evaluated against the row as it is after any concurrent writer committed (PostgreSQL
 * locks the conflicting row; SQLite serializes writers), so two processes can never both win.
 */
export async function acquireMappingLease(em: EntityManager, request: LeaseRequest): Promise<boolean> {
  const now = request.now ?? Date.now();
  const rows = await em.execute<Array<{ owner: string }>>(
    `insert into mapping_lease (mapping_id, owner, job_id, acquired_at, expires_at)
     values (?, ?, ?, ?, ?)
     on conflict (mapping_id) do update
       set owner = excluded.owner, job_id = excluded.job_id,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
       where mapping_lease.expires_at < ? or mapping_lease.owner = excluded.owner
     returning owner`,
    [request.mappingId, request.owner, request.jobId ?? null, now, now + request.ttlMs, now],
  );
  return rows.length === 1;
}

/**
 * Extends the lease of its holder. Fails (false) once the lease has run out, even when nobody took it since:
 * an expired lease may already have been judged "worker gone" elsewhere, so its job must stop.
 */
export async function renewMappingLease(em: EntityManager, request: Omit<LeaseRequest, 'jobId'>): Promise<boolean> {
  const now = request.now ?? Date.now();
  const result = await em.execute<{ affectedRows: number }>(
    'update mapping_lease set expires_at = ? where mapping_id = ? and owner = ? and expires_at >= ?',
    [now + request.ttlMs, request.mappingId, request.owner, now],
    'run',
  );
  return result.affectedRows === 1;
}

/** Gives the lease up; does nothing (false) when `owner` does not hold it. */
export async function releaseMappingLease(em: EntityManager, mappingId: number, owner: string): Promise<boolean> {
  // Counted with 'run' rather than RETURNING: the SQLite driver runs a DELETE as a statement without rows.
  const result = await em.execute<{ affectedRows: number }>(
    'delete from mapping_lease where mapping_id = ? and owner = ?',
    [mappingId, owner],
    'run',
  );
  return result.affectedRows === 1;
}

/** The lease row as stored (expired or not); null when the mapping has none. */
export async function readMappingLease(em: EntityManager, mappingId: number): Promise<MappingLeaseState | null> {
  const rows = await em.execute<Array<Record<string, unknown>>>(
    'select mapping_id, owner, job_id, acquired_at, expires_at from mapping_lease where mapping_id = ?',
    [mappingId],
  );
  const row = rows[0];
  if (!row) return null;
  // PostgreSQL hands bigint columns back as strings.
  return {
    mappingId: Number(row.mapping_id),
    owner: String(row.owner),
    jobId: row.job_id == null ? null : Number(row.job_id),
    acquiredAt: Number(row.acquired_at),
    expiresAt: Number(row.expires_at),
  };
}
