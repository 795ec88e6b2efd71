import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** One attempt to send a notification: when, how long, the receiver's status code or the error. Append-only. */
export const AlertDeliveryAttemptSchema = defineEntity({
  name: 'AlertDeliveryAttempt',
  tableName: 'alert_delivery_attempt',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    deliveryId: p.bigint('number'),
    attemptedAt: p.bigint('number'),
    durationMs: p.integer(),
    succeeded: p.boolean(),
    statusCode: p.integer().nullable(),
    error: p.text().nullable(),
  },
  indexes: [{ name: 'alert_delivery_attempt_delivery_idx', properties: ['deliveryId', 'id'] }],
});
export type AlertDeliveryAttempt = InferEntity<typeof AlertDeliveryAttemptSchema>;
