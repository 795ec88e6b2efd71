import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import { assertEveryFieldNamesItsRole } from './default-deny.js';
import './types/scalars.js';
import './types/enums.js';
import './types/errors.js';
import './types/table-mapping.js';
import './types/sync-job.js';
import './types/coupling.js';
import './types/couple-candidates.js';
import './types/sync-error-filter.js';
import './types/sync-error.js';
import './types/sync-error-detail.js';
import './types/sync-error-actions.js';
import './types/sync-error-summary.js';
import './types/sync-log-entry.js';
import './types/sync-job-outcomes.js';
import './types/viewer.js';
import './types/api-key.js';
import './types/alert-rule.js';
import './types/alert-delivery.js';

// The inner wall: every root field needs an authenticated caller, whatever else it asks for, so a request
// that slipped past the HTTP gate still reads nothing. A field's own authScopes add its role on top.
builder.queryType({ authScopes: { viewer: true } });
builder.mutationType({ authScopes: { viewer: true } });
builder.subscriptionType({ authScopes: { viewer: true } });

/** The whole API. Each type file registers its own fields on import, so the order above does not matter. */
export const schema = assertEveryFieldNamesItsRole(builder.toSchema());

/** The contract as committed in apps/api/schema.graphql (sorted, so diffs show real changes only). */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
