import { type EntityContext, formatRow } from './entity-operations.js';
import { badQuery, DataverseError, ErrorCodes } from './errors.js';
import type { ApiResponse } from './http/api-types.js';
import { decodeSkipToken, encodeSkipToken } from './odata/paging.js';
import type { Preferences, QueryOptions } from './odata/query-options.js';
import { contextUrl, DEFAULT_PAGE_SIZE, linkWith } from './query-records.js';
import type { ResolvedEntitySet } from './schema.js';
import { formatDateTime } from './values.js';

/**
 * Change tracking (learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems):
 * `Prefer: odata.track-changes` on an entity set query returns every record and, on the last page, an
 * `@odata.deltaLink` whose `$deltatoken` marks "now". Calling that link returns what changed since: changed
 * or new records as usual, deleted ones as `{ "@odata.context": "…#accounts/$deletedEntity", "id": …,
 * "reason": "deleted" }`. Tokens are `<versionnumber>!<date>` like Dataverse's; the version is the database's
 * rowversion, so "changed since" is `versionnumber > token`.
 */
interface DeltaPageToken {
  /** Version of the last entry sent. */
  after: number;
  /** Highest version when the run began: the next delta token is at least this. */
  snapshot: number;
}
const isDeltaPageToken = (v: unknown): v is DeltaPageToken =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as DeltaPageToken).after === 'number' &&
  typeof (v as DeltaPageToken).snapshot === 'number';

function parseDeltaToken(ctx: EntityContext, set: ResolvedEntitySet, token: string): number {
  const match = /^(\d+)!/.exec(token);
  const version = match ? Number(match[1]) : Number.NaN;
  if (Number.isNaN(version) || version > ctx.store.currentVersion()) {
    throw new DataverseError(400, ErrorCodes.invalidDeltaToken, `The delta token '${token}' is not valid.`);
  }
  if (version < ctx.store.minDeltaVersion()) {
    throw new DataverseError(
      400,
      ErrorCodes.invalidDeltaToken,
      `The delta token for entity '${set.logicalName}' has expired: changes are kept for a limited time. ` +
        'Read the full set again with Prefer: odata.track-changes to get a new token.',
    );
  }
  return version;
}

export function trackChanges(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  options: QueryOptions,
  prefs: Preferences,
  params: URLSearchParams,
): ApiResponse {
  if (!set.changeTracking) {
    throw new DataverseError(
      400,
      ErrorCodes.changeTrackingDisabled,
      `Change tracking is not enabled for entity '${set.logicalName}'.`,
    );
  }
  if (options.filter !== undefined || options.orderBy.length > 0 || options.top !== undefined || options.count) {
    throw badQuery('Change tracking supports $select only: $filter, $orderby, $top and $count cannot be used with it.');
  }
  const since = options.deltaToken !== undefined ? parseDeltaToken(ctx, set, options.deltaToken) : 0;
  const page = options.skipToken ? decodeSkipToken(options.skipToken, isDeltaPageToken) : undefined;
  const snapshot = page?.snapshot ?? ctx.store.currentVersion();
  const after = Math.max(since, page?.after ?? 0);
  const pageSize = prefs.maxPageSize ?? DEFAULT_PAGE_SIZE;

  const rows = ctx.store.select(`SELECT * FROM "${set.table}" WHERE versionnumber > ? ORDER BY versionnumber LIMIT ?`, [
    after,
    pageSize + 1,
  ]);
  // Deletions matter only relative to an earlier token; the initial read lists what exists.
  const tombstones = options.deltaToken !== undefined ? ctx.store.tombstonesAfter(set, after, pageSize + 1) : [];
  const entries = [
    ...rows.map((row) => ({ version: Number(row.versionnumber), value: formatRow(set, row, options.select) })),
    ...tombstones.map((t) => ({
      version: t.versionnumber,
      value: { '@odata.context': `${ctx.apiUrl}/$metadata#${set.name}/$deletedEntity`, id: t.id, reason: 'deleted' },
    })),
  ].sort((a, b) => a.version - b.version);
  const sent = entries.slice(0, pageSize);
  const body: Record<string, unknown> = {
    '@odata.context': `${contextUrl(ctx, set, options.select)}/$delta`,
    value: sent.map((e) => e.value),
  };
  const lastSent = sent.length > 0 ? sent[sent.length - 1]!.version : after;
  if (entries.length > pageSize) {
    const token = encodeSkipToken({ after: lastSent, snapshot } satisfies DeltaPageToken);
    body['@odata.nextLink'] = linkWith(ctx, set, params, ['$skiptoken', token]);
  } else {
    const version = Math.max(snapshot, lastSent);
    body['@odata.deltaLink'] = linkWith(ctx, set, params, [
      '$deltatoken',
      `${version}!${formatDateTime(ctx.now() - (ctx.now() % 1000))}`,
    ]);
  }
  const applied = ['odata.track-changes'];
  if (prefs.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${prefs.maxPageSize}`);
  return { status: 200, headers: { 'Preference-Applied': applied.join(',') }, body };
}
