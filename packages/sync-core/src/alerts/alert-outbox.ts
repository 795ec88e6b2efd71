import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { entityRows } from '../db/entity-rows.js';
import { type AlertDelivery, AlertDeliverySchema } from '../entities/alert-delivery.entity.js';
import { AlertDeliveryAttemptSchema } from '../entities/alert-delivery-attempt.entity.js';
import type { AlertEvent } from '../entities/alert-enums.js';
import type { AlertNotification } from './alert-notification.js';

/**
 * The outbox of notifications (`alert_delivery`): every move of a delivery lives here — written PENDING,
 * claimed by a deliverer for a while, then DELIVERED, retried later, or GAVE_UP when the retry window has
 * passed; resent by hand back to PENDING. Each move is one conditional statement, so deliverers in
 * several processes never send one notification twice at once.
 */

const DELIVERIES = entityRows(AlertDeliverySchema);

export interface OutboxEntry {
  ruleId: number;
  mappingId: number | null;
  event: AlertEvent;
  notification: AlertNotification;
}

/** Writes one delivery per channel, in the caller's transaction; returns their ids. */
export async function writeToOutbox(
  tx: EntityManager,
  entry: OutboxEntry,
  channels: readonly string[],
  now: number,
): Promise<number[]> {
  if (channels.length === 0) return [];
  const payload = JSON.stringify(entry.notification);
  const rows = channels.map((channel) => ({
    ruleId: entry.ruleId,
    mappingId: entry.mappingId,
    event: entry.event,
    channel,
    messageId: `msg_${randomUUID().replaceAll('-', '')}`,
    payload,
    status: 'PENDING' as const,
    attempts: 0,
    createdAt: now,
    windowStartedAt: now,
    nextAttemptAt: now,
  }));
  // One multi-row insert; `returning` gives every id on both stores (the ORM's insertMany may not).
  const values = DELIVERIES.valuesOf(DELIVERIES.insertable);
  const columns = DELIVERIES.columnsOf(DELIVERIES.insertable);
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const inserted = await tx.execute<Array<{ id: unknown }>>(
    `insert into ${DELIVERIES.table} (${columns.join(', ')}) values ${rows.map(() => placeholders).join(', ')} returning id`,
    rows.flatMap((row) =>
      values({ ...row, claimedUntil: null, claimedBy: null, deliveredAt: null, lastStatusCode: null, lastError: null }),
    ),
  );
  return inserted.map((row) => Number(row.id));
}

/**
 * Claims up to `limit` due deliveries for `owner` until `claimedUntil` and returns them. One statement:
 * on PostgreSQL the candidate rows are locked with SKIP LOCKED, so concurrent deliverers take different
 * rows; SQLite has one writer at a time. A claim that ran out (its deliverer died) is due again.
 */
export async function claimDueDeliveries(
  em: EntityManager,
  options: { owner: string; now: number; claimedUntil: number; limit: number; onlyIds?: readonly number[] },
): Promise<AlertDelivery[]> {
  const postgres = isPostgres(em);
  const onlyIds = options.onlyIds?.length ? `and id in (${options.onlyIds.map(() => '?').join(', ')})` : '';
  const due = `status = 'PENDING' and next_attempt_at <= ? and (claimed_until is null or claimed_until < ?) ${onlyIds}`;
  const dueParams = [options.now, options.now, ...(options.onlyIds ?? [])];
  // Nearly every poll finds nothing due. A read answers it without a write, which would wait for the write
  // lock (on SQLite, behind a running job's batch) and mark the whole store changed to every reader's cache.
  const anyDue = await em.execute<unknown[]>(`select 1 from alert_delivery where ${due} limit 1`, dueParams);
  if (anyDue.length === 0) return [];
  const rows = await em.execute<Array<Record<string, unknown>>>(
    `update alert_delivery set claimed_by = ?, claimed_until = ?
     where id in (
       select id from alert_delivery
       where ${due}
       order by next_attempt_at, id
       limit ? ${postgres ? 'for update skip locked' : ''})
     returning id`,
    [options.owner, options.claimedUntil, ...dueParams, options.limit],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((row) => Number(row.id));
  return em.find(AlertDeliverySchema, { id: { $in: ids } }, { orderBy: { id: 'asc' }, refresh: true });
}

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  attemptedAt: number;
  durationMs: number;
}

/**
 * Stores an attempt's outcome on the row (only while `owner` still holds the claim) and appends it to the
 * attempt log. A failure is due again at `retryAt`, or GAVE_UP when `retryAt` is null.
 */
export async function recordAttempt(
  em: EntityManager,
  delivery: Pick<AlertDelivery, 'id'>,
  owner: string,
  result: AttemptResult,
  retryAt: number | null,
): Promise<boolean> {
  return em.transactional(async (tx) => {
    const status = result.ok ? 'DELIVERED' : retryAt === null ? 'GAVE_UP' : 'PENDING';
    const rows = await tx.execute<unknown[]>(
      `update alert_delivery
       set status = ?, attempts = attempts + 1, claimed_by = null, claimed_until = null,
           next_attempt_at = ?, delivered_at = ?, last_status_code = ?, last_error = ?
       where id = ? and claimed_by = ? and status = 'PENDING'
       returning id`,
      [
        status,
        retryAt ?? result.attemptedAt,
        result.ok ? result.attemptedAt + result.durationMs : null,
        result.statusCode,
        result.error,
        delivery.id,
        owner,
      ],
    );
    if (rows.length === 0) return false;
    await tx.insert(AlertDeliveryAttemptSchema, {
      deliveryId: delivery.id,
      attemptedAt: result.attemptedAt,
      durationMs: result.durationMs,
      succeeded: result.ok,
      statusCode: result.statusCode,
      error: result.error,
    });
    return true;
  });
}

/**
 * An operator's resend: the delivery is PENDING and due now again, with a fresh retry window; its
 * `webhook-id` stays (it is the same notification), its attempts stay in the log. Returns false for an
 * unknown id or one a deliverer is sending right now.
 */
export async function resendDelivery(em: EntityManager, deliveryId: number, now = Date.now()): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    `update alert_delivery
     set status = 'PENDING', next_attempt_at = ?, window_started_at = ?, claimed_by = null, claimed_until = null
     where id = ? and (status <> 'PENDING' or claimed_until is null or claimed_until < ?)
     returning id`,
    [now, now, deliveryId, now],
  );
  return rows.length === 1;
}

function isPostgres(em: EntityManager): boolean {
  return (em.getKnex().client as { dialect?: string }).dialect === 'postgresql';
}
