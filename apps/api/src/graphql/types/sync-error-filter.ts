import type { SyncErrorFilter } from '@tandem/sync-core';
import { InvalidInputError } from '../../errors/invalid-input.error.js';
import { builder } from '../builder.js';
import { parseOptionalId } from '../ids.js';
import { SyncErrorKindEnum, SyncErrorStatusEnum } from './enums.js';

/** DESIGN.md's `SyncErrorFilter`: all given conditions hold; an empty filter matches every error. */
export const SyncErrorFilterInput = builder.inputType('SyncErrorFilter', {
  fields: (t) => ({
    mappingId: t.id(),
    kinds: t.field({ type: [SyncErrorKindEnum] }),
    statuses: t.field({ type: [SyncErrorStatusEnum] }),
    jobId: t.id(),
    search: t.string({ description: 'Text in the message (case-insensitive), or a record id on either side.' }),
    occurredAfter: t.field({ type: 'DateTime' }),
    occurredBefore: t.field({ type: 'DateTime' }),
    messagePattern: t.string({ description: 'One group of `syncErrorGroups`: its `messagePattern`.' }),
  }),
});

export type SyncErrorFilterArg = typeof SyncErrorFilterInput.$inferInput;

const MAX_SEARCH_LENGTH = 200;

/** The GraphQL filter as sync-core's repositories take it: ids decoded, times in epoch ms. */
export function toSyncErrorFilter(input: SyncErrorFilterArg | null | undefined): SyncErrorFilter {
  if (!input) return {};
  if (input.search && input.search.length > MAX_SEARCH_LENGTH) {
    throw new InvalidInputError('filter.search', `is longer than ${MAX_SEARCH_LENGTH} characters`);
  }
  return {
    mappingId: parseOptionalId('TableMapping', input.mappingId?.toString()),
    jobId: parseOptionalId('SyncJob', input.jobId?.toString()),
    kinds: input.kinds ?? null,
    statuses: input.statuses ?? null,
    search: input.search ?? null,
    occurredAfter: input.occurredAfter ?? null,
    occurredBefore: input.occurredBefore ?? null,
    messagePattern: input.messagePattern ?? null,
  };
}
