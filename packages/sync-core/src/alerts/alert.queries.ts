import type { EntityManager } from '@mikro-orm/knex';
import { entityRows, type RowOf } from '../db/entity-rows.js';
import { AlertDeliverySchema } from '../entities/alert-delivery.entity.js';
import { AlertDeliveryAttemptSchema } from '../entities/alert-delivery-attempt.entity.js';
import type { AlertDeliveryStatus, AlertStatus } from '../entities/alert-enums.js';
import { AlertRuleSchema } from '../entities/alert-rule.entity.js';
import { AlertStateSchema } from '../entities/alert-state.entity.js';
import type { Page, PageRequest } from '../paging/keyset-page.js';
import { listPage } from '../paging/list-page.js';

const RULES = entityRows(AlertRuleSchema);
const STATES = entityRows(AlertStateSchema);
const DELIVERIES = entityRows(AlertDeliverySchema);
const ATTEMPTS = entityRows(AlertDeliveryAttemptSchema);

export type AlertRuleRow = RowOf<typeof RULES>;
export type AlertStateRow = RowOf<typeof STATES>;
export type AlertDeliveryRow = RowOf<typeof DELIVERIES>;
export type AlertDeliveryAttemptRow = RowOf<typeof ATTEMPTS>;

/** Every rule, newest first. */
export function listAlertRules(em: EntityManager, page: PageRequest): Promise<Page<AlertRuleRow>> {
  return listPage(em, { list: 'alertRules', rows: RULES, order: ['id'], page });
}

/** Rules' states per mapping, the latest change first; narrowed to a rule, a mapping or a status. */
export function listAlertStates(
  em: EntityManager,
  filter: { ruleId?: number | null; mappingId?: number | null; status?: AlertStatus | null },
  page: PageRequest,
): Promise<Page<AlertStateRow>> {
  return listPage(em, {
    list: 'alertStates',
    rows: STATES,
    order: ['changedAt', 'id'],
    where: (query) => {
      if (filter.ruleId != null) query.where('rule_id', filter.ruleId);
      if (filter.mappingId != null) query.where('mapping_id', filter.mappingId);
      if (filter.status != null) query.where('status', filter.status);
    },
    page,
  });
}

/** The delivery log, newest first; narrowed to a rule or a status. */
export function listAlertDeliveries(
  em: EntityManager,
  filter: { ruleId?: number | null; status?: AlertDeliveryStatus | null },
  page: PageRequest,
): Promise<Page<AlertDeliveryRow>> {
  return listPage(em, {
    list: 'alertDeliveries',
    rows: DELIVERIES,
    order: ['id'],
    where: (query) => {
      if (filter.ruleId != null) query.where('rule_id', filter.ruleId);
      if (filter.status != null) query.where('status', filter.status);
    },
    page,
  });
}

/** A delivery's attempts, newest first. */
export function listAlertDeliveryAttempts(
  em: EntityManager,
  deliveryId: number,
  page: PageRequest,
): Promise<Page<AlertDeliveryAttemptRow>> {
  return listPage(em, {
    list: 'alertDeliveryAttempts',
    rows: ATTEMPTS,
    order: ['id'],
    where: (query) => query.where('delivery_id', deliveryId),
    page,
  });
}
