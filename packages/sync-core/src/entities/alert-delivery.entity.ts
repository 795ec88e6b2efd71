import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ALERT_DELIVERY_STATUSES, ALERT_EVENTS } from './alert-enums.js';

/**
 * The outbox: one notification to one channel. Written in the transaction that changed the state, then
 * claimed, sent and retried by a deliverer; failure state lives on the row, each attempt in
 * `alert_delivery_attempt`.
 */
export const AlertDeliverySchema = defineEntity({
  name: 'AlertDelivery',
  tableName: 'alert_delivery',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    ruleId: p.integer(),
    /** The mapping the notification is about; null for a test. */
    mappingId: p.integer().nullable(),
    event: p.enum([...ALERT_EVENTS]),
    channel: p.string(),
    /** `webhook-id`: the same on every attempt, so receivers can drop a repeat. */
    messageId: p.string().unique(),
    /** The notification as JSON (what a webhook receives as its body). */
    payload: p.text(),
    status: p.enum([...ALERT_DELIVERY_STATUSES]),
    attempts: p.integer().default(0),
    createdAt: p.bigint('number'),
    /** The retry window (24 h by default) counts from here: the creation, or an operator's resend. */
    windowStartedAt: p.bigint('number'),
    nextAttemptAt: p.bigint('number'),
    /** A deliverer is sending it until then; after, another may take it (the sender died). */
    claimedUntil: p.bigint('number').nullable(),
    claimedBy: p.string().nullable(),
    deliveredAt: p.bigint('number').nullable(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
  },
  indexes: [
    { name: 'alert_delivery_due_idx', properties: ['status', 'nextAttemptAt'] },
    { name: 'alert_delivery_rule_idx', properties: ['ruleId', 'id'] },
  ],
});
export type AlertDelivery = InferEntity<typeof AlertDeliverySchema>;
