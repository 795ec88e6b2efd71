import type { EntityManager } from '@mikro-orm/knex';
import {
  type ActionResult,
  listSyncErrors,
  MAX_PAGE_SIZE,
  retryAllSyncErrors,
  SYNC_ERROR_KINDS,
  SYNC_ERROR_STATUSES,
  type SyncErrorFilter,
  type SyncErrorKind,
  type SyncErrorRow,
  type SyncErrorStatus,
  TableMappingSchema,
} from '@tandem/sync-core';
import type { TandemConfig } from '../config/config.schema.js';
import { startRuntime } from '../runtime/tandem-runtime.js';
import { UsageError } from './usage.error.js';

export interface ErrorsOptions {
  mapping?: string;
  kind?: string;
  status?: string;
  all?: boolean;
  runNow?: boolean;
  limit?: string;
}

/** `tandem errors list [--mapping M --kind K --status S]` and `tandem errors retry --all [filters] [--run-now]`. */
export async function errorsCommand(config: TandemConfig, args: string[], options: ErrorsOptions): Promise<number> {
  const [action] = args;
  if (action !== 'list' && action !== 'retry')
    throw new UsageError('errors list [filters] | errors retry --all [filters]');
  if (action === 'retry' && !options.all)
    throw new UsageError('errors retry needs --all (with optional --mapping / --kind)');
  // No job runs here: a retry with --run-now only queues the job, which the `start` process picks up.
  const runtime = await startRuntime(config, { runJobs: false });
  try {
    const filter = await filterFrom(runtime.store.em(), options);
    if (action === 'list') return await list(runtime.store.em(), filter, Number(options.limit ?? 50));
    const result = await retryAllSyncErrors(
      {
        store: runtime.store,
        connectors: runtime.connectors,
        events: runtime.events,
        queue: runtime.queue,
        actor: 'cli',
      },
      filter,
      { runNow: options.runNow ?? false },
    );
    printResult(result);
    return result.failed > 0 && result.succeeded === 0 ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

async function filterFrom(em: EntityManager, options: ErrorsOptions): Promise<SyncErrorFilter> {
  const filter: SyncErrorFilter = {};
  if (options.mapping) {
    const mapping = await em.findOne(TableMappingSchema, { name: options.mapping });
    if (!mapping) throw new UsageError(`no mapping named "${options.mapping}"`);
    filter.mappingId = mapping.id;
  }
  if (options.kind) {
    const kind = options.kind.toUpperCase();
    if (!(SYNC_ERROR_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`--kind must be one of ${SYNC_ERROR_KINDS.join(', ')}`);
    }
    filter.kinds = [kind as SyncErrorKind];
  }
  if (options.status) {
    const status = options.status.toUpperCase();
    if (!(SYNC_ERROR_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${SYNC_ERROR_STATUSES.join(', ')}`);
    }
    filter.statuses = [status as SyncErrorStatus];
  }
  return filter;
}

async function list(em: EntityManager, filter: SyncErrorFilter, limit: number): Promise<number> {
  const statuses = filter.statuses?.length ? filter.statuses : (['OPEN'] as SyncErrorStatus[]);
  const wanted = Number.isInteger(limit) && limit > 0 ? limit : 50;
  // The API's list, newest first, page after page until the limit: a limit may be larger than a page.
  const errors: SyncErrorRow[] = [];
  let after: string | null = null;
  while (errors.length < wanted) {
    const page = await listSyncErrors(
      em,
      { ...filter, statuses },
      { first: Math.min(MAX_PAGE_SIZE, wanted - errors.length), after },
    );
    errors.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  for (const error of errors) {
    console.log(
      [
        error.id,
        new Date(error.occurredAt).toISOString(),
        error.kind,
        error.status,
        `local ${error.localId ?? '-'}`,
        `integration ${error.integrationId ?? '-'}`,
        error.message,
      ].join('\t'),
    );
  }
  console.log(`${errors.length} error${errors.length === 1 ? '' : 's'}`);
  return 0;
}

function printResult(result: ActionResult): void {
  console.log(`requested ${result.requested}, succeeded ${result.succeeded}, failed ${result.failed}`);
  for (const failure of result.failures.slice(0, 20))
    console.log(`  error ${failure.errorId}: ${failure.code} — ${failure.reason}`);
  if (result.failures.length > 20) console.log(`  … and ${result.failed - 20} more`);
  if (result.jobIds.length > 0)
    console.log(`queued job${result.jobIds.length > 1 ? 's' : ''} ${result.jobIds.join(', ')}`);
}
