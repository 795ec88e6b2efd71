import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ALERT_CONDITIONS, ALERT_RULE_SOURCES } from './alert-enums.js';

/**
 * An alert rule: a condition on one mapping (or on every mapping, each on its own), and the channels told
 * when its state changes. Channels are named here; their addresses and secrets stay in the config file.
 */
export const AlertRuleSchema = defineEntity({
  name: 'AlertRule',
  tableName: 'alert_rule',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().unique(),
    /** The mapping watched; null: every mapping, each with a state of its own. */
    mappingId: p.integer().nullable(),
    condition: p.enum([...ALERT_CONDITIONS]),
    /** RECORDS_FAILED_OVER and OPEN_ERRORS_OVER: fires above this count. */
    threshold: p.integer().nullable(),
    /** OPEN_ERRORS_OVER: JSON array of the error kinds counted; null: every kind. */
    kinds: p.text().nullable(),
    /** NO_SUCCESS_FOR: how long without a successful job, in milliseconds (the file and the API say minutes). */
    stalledAfterMs: p.bigint('number').nullable(),
    /** JSON array of channel names. */
    channels: p.text(),
    enabled: p.boolean().default(true),
    source: p.enum([...ALERT_RULE_SOURCES]),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});
export type AlertRule = InferEntity<typeof AlertRuleSchema>;
