import { InvalidConfigError, parseDatabaseUrl } from '@tandem/sync-core';
import type { TandemConfig } from '../config/config.schema.js';

/**
 * What a `tandem start` process does (docs/OPERATIONS.md):
 * - `all` (the default): the API, the console, the jobs, their schedules and retention — one machine;
 * - `api`: the API and the console; it queues jobs but runs none;
 * - `worker`: the jobs, their schedules and retention; it serves only /healthz, /readyz and /metrics.
 */
export const PROCESS_ROLES = ['all', 'api', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** The role named by `--role`, checked against the config: split roles need a shared store and Redis. */
export function processRole(raw: string | undefined, config: TandemConfig): ProcessRole {
  const role = (raw ?? 'all') as ProcessRole;
  if (!PROCESS_ROLES.includes(role)) {
    throw new InvalidConfigError('--role', `"${raw}" is not a role: use all, api or worker`);
  }
  if (role === 'all') return role;
  if (parseDatabaseUrl(config.database.url).dialect !== 'postgresql') {
    throw new InvalidConfigError(
      '--role',
      `role ${role} runs beside other processes, which needs a shared PostgreSQL store (database.url is SQLite; use --role all on one machine)`,
    );
  }
  if (!config.queue) {
    throw new InvalidConfigError(
      '--role',
      `role ${role} needs Redis for jobs and events across processes: set queue.redis (or TANDEM_REDIS_URL)`,
    );
  }
  return role;
}

/** Whether a process of this role works jobs (and so runs schedules and retention). */
export function runsJobs(role: ProcessRole): boolean {
  return role !== 'api';
}

/** Whether a process of this role serves GraphQL and the console. */
export function servesApi(role: ProcessRole): boolean {
  return role !== 'worker';
}
