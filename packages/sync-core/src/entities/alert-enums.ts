/** Enum values of alerts (docs/ALERTS.md), shared by the entities, the evaluation and the API. */

/**
 * What a rule watches:
 * - `JOB_FAILED`: a job ends FAILED (resolved by a job that ends SUCCEEDED or PARTIAL);
 * - `RECORDS_FAILED_OVER`: a job ends with more than `threshold` records failed;
 * - `OPEN_ERRORS_OVER`: the mapping's open sync errors (of `kinds`, or any) exceed `threshold`;
 * - `NO_SUCCESS_FOR`: no job ended SUCCEEDED or PARTIAL for `minutes` while the mapping runs on a schedule.
 */
export const ALERT_CONDITIONS = ['JOB_FAILED', 'RECORDS_FAILED_OVER', 'OPEN_ERRORS_OVER', 'NO_SUCCESS_FOR'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];

export const ALERT_STATUSES = ['FIRING', 'RESOLVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What a notification announces: a change of state, or a test sent by hand. */
export const ALERT_EVENTS = ['FIRING', 'RESOLVED', 'TEST'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** PENDING until a send succeeds (DELIVERED) or the retry window runs out (GAVE_UP). */
export const ALERT_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'GAVE_UP'] as const;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];

/** Where a rule was written: the config file (read-only through the API) or the API. */
export const ALERT_RULE_SOURCES = ['CONFIG', 'API'] as const;
export type AlertRuleSource = (typeof ALERT_RULE_SOURCES)[number];

export const ALERT_CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];
