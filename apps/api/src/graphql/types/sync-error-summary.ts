import { type SyncErrorGroup, type SyncErrorSummary, summarizeSyncErrors, syncErrorGroups } from '@tandem/sync-core';
import { filter, pipe } from 'graphql-yoga';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { errorGroupPage } from '../error-group-page.js';
import { parseOptionalId } from '../ids.js';
import { countedConnection, forwardArgs } from './connection.js';
import { SyncErrorKindEnum } from './enums.js';
import { SyncErrorFilterInput, toSyncErrorFilter } from './sync-error-filter.js';
import { TableMappingRef } from './table-mapping.js';

type KindCountShape = SyncErrorSummary['byKind'][number];
type MappingCountShape = SyncErrorSummary['byMapping'][number];

const KindCount = builder.objectRef<KindCountShape>('SyncErrorKindCount').implement({
  fields: (t) => ({ kind: t.field({ type: SyncErrorKindEnum, resolve: (c) => c.kind }), count: t.exposeInt('count') }),
});
const MappingCount = builder.objectRef<MappingCountShape>('SyncErrorMappingCount').implement({
  fields: (t) => ({
    mapping: t.field({ type: TableMappingRef, resolve: (c) => c.mappingId }),
    count: t.exposeInt('count'),
  }),
});

const SyncErrorSummaryRef = builder.objectRef<SyncErrorSummary>('SyncErrorSummary').implement({
  description: 'How many errors match a filter (OPEN ones unless the filter names statuses), by kind and mapping.',
  fields: (t) => ({
    total: t.exposeInt('total'),
    byKind: t.field({ type: [KindCount], resolve: (s) => s.byKind }),
    byMapping: t.field({ type: [MappingCount], resolve: (s) => s.byMapping }),
  }),
});

const SyncErrorGroupRef = builder.objectRef<SyncErrorGroup>('SyncErrorGroup').implement({
  description:
    'Open errors of one mapping and kind whose messages differ only in record-specific values. Act on the group with `filter: { mappingId, kinds: [kind], messagePattern }`.',
  fields: (t) => ({
    mapping: t.field({ type: TableMappingRef, resolve: (g) => g.mappingId }),
    kind: t.field({ type: SyncErrorKindEnum, resolve: (g) => g.kind }),
    messagePattern: t.exposeString('messagePattern'),
    example: t.exposeString('example', { description: 'One real message of the group.' }),
    count: t.exposeInt('count'),
    lastOccurredAt: t.field({ type: 'DateTime', resolve: (g) => g.lastOccurredAt }),
  }),
});

/** Distinct causes counted at most: far more than a console shows, few enough to sort in memory. */
const MAX_GROUPS = 10_000;

const SyncErrorGroupConnection = countedConnection('SyncErrorGroupConnection', SyncErrorGroupRef);

/**
 * One summary per event and mapping filter, shared by every subscriber: 500 open consoles cost one query
 * per change, not 500. Keyed by the event object, so entries go when the event does.
 */
const summariesPerEvent = new WeakMap<object, Map<string, Promise<SyncErrorSummary>>>();

builder.queryFields((t) => ({
  syncErrorSummary: t.field({
    type: SyncErrorSummaryRef,
    authScopes: { viewer: true },
    args: { filter: t.arg({ type: SyncErrorFilterInput }) },
    resolve: (_root, args, context) => summarizeSyncErrors(context.services.store.sql, toSyncErrorFilter(args.filter)),
  }),
  syncErrorGroups: t.field({
    type: SyncErrorGroupConnection,
    authScopes: { viewer: true },
    description: 'Open errors grouped by mapping, kind and message pattern, largest group first.',
    args: { filter: t.arg({ type: SyncErrorFilterInput }), ...forwardArgs(t.arg) },
    // The page size is checked by sync-core's keyset paging, the cursor here: both answer INVALID_INPUT.
    resolve: (_root, args, context) =>
      reportingInputErrors(async () => {
        const groups = await syncErrorGroups(context.services.store.sql, toSyncErrorFilter(args.filter), MAX_GROUPS);
        return errorGroupPage(groups, args.first, args.after);
      }),
  }),
}));

builder.subscriptionFields((t) => ({
  syncErrorsChanged: t.field({
    type: SyncErrorSummaryRef,
    authScopes: { viewer: true },
    description:
      'Errors of the mapping (or of any mapping) were opened or resolved: the fresh summary of its OPEN errors.',
    args: { mappingId: t.arg.id() },
    subscribe: (_root, args, context) => {
      const mappingId = parseOptionalId('TableMapping', args.mappingId?.toString());
      return pipe(
        context.services.pubsub.subscribe('syncErrorsChanged'),
        filter((change: { mappingId: number }) => mappingId == null || change.mappingId === mappingId),
      );
    },
    resolve: (change, args, context) => {
      const mappingId = parseOptionalId('TableMapping', args.mappingId?.toString());
      let cache = summariesPerEvent.get(change);
      if (!cache) {
        cache = new Map();
        summariesPerEvent.set(change, cache);
      }
      const key = String(mappingId);
      let summary = cache.get(key);
      if (!summary) {
        summary = summarizeSyncErrors(context.services.store.sql, { mappingId });
        cache.set(key, summary);
      }
      return summary;
    },
  }),
}));
