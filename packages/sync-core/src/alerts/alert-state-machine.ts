import type { EntityManager } from '@mikro-orm/knex';
import type { AlertStatus } from '../entities/alert-enums.js';
import type { AlertRule } from '../entities/alert-rule.entity.js';
import { buildNotification } from './alert-notification.js';
import { writeToOutbox } from './alert-outbox.js';
import { ruleChannels } from './alert-rules.repository.js';
import type { AlertStateChange } from './alert-signal.js';

/**
 * A rule's state for a mapping, and its only moves: RESOLVED (or no row yet) → FIRING, FIRING → RESOLVED.
 * A move writes the state and its notifications (one per channel) in the caller's transaction; asking for
 * the state it already has changes and sends nothing — that is what makes ten failing jobs one "firing".
 */

export interface StateTarget {
  status: AlertStatus;
  message: string;
  jobId: number | null;
}

/**
 * Moves the state of `rule` for `mappingId` to `target.status` when it differs, and writes the
 * notifications. Returns the change, or null when the state was already there. The move is one conditional
 * statement (an upsert guarded by the current status), so a job's end and the periodic check racing on one
 * state cannot both send.
 */
export async function moveAlertState(
  tx: EntityManager,
  rule: AlertRule,
  mappingId: number,
  target: StateTarget,
  now: number,
): Promise<AlertStateChange | null> {
  const rows =
    target.status === 'FIRING'
      ? await tx.execute<Array<{ id: unknown }>>(
          `insert into alert_state (rule_id, mapping_id, status, changed_at, message, job_id)
           values (?, ?, 'FIRING', ?, ?, ?)
           on conflict (rule_id, mapping_id) do update
             set status = excluded.status, changed_at = excluded.changed_at,
                 message = excluded.message, job_id = excluded.job_id
             where alert_state.status <> 'FIRING'
           returning id`,
          [rule.id, mappingId, now, target.message, target.jobId],
        )
      : // Nothing fired, nothing to resolve: no row is written for a rule that never fired.
        await tx.execute<Array<{ id: unknown }>>(
          `update alert_state set status = 'RESOLVED', changed_at = ?, message = ?, job_id = ?
           where rule_id = ? and mapping_id = ? and status = 'FIRING'
           returning id`,
          [now, target.message, target.jobId, rule.id, mappingId],
        );
  if (rows.length === 0) return null;

  const [mapping] = await tx.execute<Array<{ name: string }>>('select name from table_mapping where id = ?', [
    mappingId,
  ]);
  const notification = buildNotification({
    event: target.status,
    rule: { id: rule.id, name: rule.name, condition: rule.condition },
    mapping: { id: mappingId, name: mapping?.name ?? `#${mappingId}` },
    message: target.message,
    jobId: target.jobId,
    at: now,
  });
  await writeToOutbox(tx, { ruleId: rule.id, mappingId, event: target.status, notification }, ruleChannels(rule), now);
  return {
    stateId: Number(rows[0]!.id),
    ruleId: rule.id,
    ruleName: rule.name,
    mappingId,
    status: target.status,
    message: target.message,
    changedAt: now,
    jobId: target.jobId,
  };
}
