import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ALERT_STATUSES } from './alert-enums.js';

/**
 * The state of one rule for one mapping. No row means RESOLVED (nothing ever fired); a row moves only
 * through `moveAlertState`, which writes its notifications in the same transaction.
 */
export const AlertStateSchema = defineEntity({
  name: 'AlertState',
  tableName: 'alert_state',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    ruleId: p.integer(),
    mappingId: p.integer(),
    status: p.enum([...ALERT_STATUSES]),
    /** When the state last changed. */
    changedAt: p.bigint('number'),
    /** Why, in a sentence ("job 12 ended FAILED: …"). */
    message: p.text(),
    /** The job whose end changed the state; null for the periodic check. */
    jobId: p.bigint('number').nullable(),
  },
  uniques: [{ name: 'alert_state_rule_mapping_unique', properties: ['ruleId', 'mappingId'] }],
});
export type AlertState = InferEntity<typeof AlertStateSchema>;
