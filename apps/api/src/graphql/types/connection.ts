import type { ArgBuilder, OutputType } from '@pothos/core';
import type { Page } from '@tandem/sync-core';
import { builder } from '../builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * A Relay connection type with `totalCount`. Resolvers return a `Page` (see pagination.ts), whose count
 * runs only when a client selects `totalCount` — the page itself never needs it.
 */
export function countedConnection<Type extends OutputType<Types>>(name: string, type: Type) {
  return builder.connectionObject({
    name,
    type,
    fields: (t) => ({
      totalCount: t.int({
        description: 'How many items the whole list holds, not just this page.',
        resolve: (connection) => (connection as unknown as Page<unknown>).totalCount(),
      }),
    }),
  });
}

/** The connection arguments of the contract: forward pagination only (`first`, `after`). */
export const forwardArgs = (t: ArgBuilder<Types>) => ({
  first: t.int({ description: 'Page size, 0–200; default 50.' }),
  after: t.string({ description: 'The `endCursor` of the previous page.' }),
});
