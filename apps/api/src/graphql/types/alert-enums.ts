import {
  ALERT_CONDITIONS,
  ALERT_DELIVERY_STATUSES,
  ALERT_EVENTS,
  ALERT_RULE_SOURCES,
  ALERT_STATUSES,
} from '@tandem/sync-core';
import { builder } from '../builder.js';

export const AlertConditionEnum = builder.enumType('AlertCondition', { values: ALERT_CONDITIONS });
export const AlertStatusEnum = builder.enumType('AlertStatus', { values: ALERT_STATUSES });
export const AlertEventEnum = builder.enumType('AlertEvent', { values: ALERT_EVENTS });
export const AlertDeliveryStatusEnum = builder.enumType('AlertDeliveryStatus', { values: ALERT_DELIVERY_STATUSES });
export const AlertRuleSourceEnum = builder.enumType('AlertRuleSource', { values: ALERT_RULE_SOURCES });
