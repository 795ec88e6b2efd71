import type { EntityManager } from '@mikro-orm/knex';
import type { AlertRule } from '../entities/alert-rule.entity.js';
import { buildNotification } from './alert-notification.js';
import { writeToOutbox } from './alert-outbox.js';
import { ruleChannels } from './alert-rules.repository.js';
import { alertSignal } from './alert-signal.js';

/**
 * "Send a test": a TEST notification of the rule to each of its channels, through the outbox like any
 * other (logged, retried). The rule's state does not change. Returns the deliveries' ids.
 */
export async function queueTestNotification(
  em: EntityManager,
  rule: AlertRule,
  requestedBy: string | null,
  now = Date.now(),
): Promise<number[]> {
  const notification = buildNotification({
    event: 'TEST',
    rule: { id: rule.id, name: rule.name, condition: rule.condition },
    mapping: null,
    message: `A test of rule "${rule.name}"${requestedBy ? `, sent by ${requestedBy}` : ''}: its channels work.`,
    jobId: null,
    at: now,
  });
  const ids = await em.transactional((tx) =>
    writeToOutbox(tx, { ruleId: rule.id, mappingId: null, event: 'TEST', notification }, ruleChannels(rule), now),
  );
  alertSignal.outboxWritten();
  return ids;
}
