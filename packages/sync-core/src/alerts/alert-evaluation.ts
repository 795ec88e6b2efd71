import type { EntityManager } from '@mikro-orm/knex';
import { type AlertRule, AlertRuleSchema } from '../entities/alert-rule.entity.js';
import type { FinishedJobStatus } from '../entities/enums.js';
import { ruleKinds } from './alert-rules.repository.js';
import type { AlertStateChange } from './alert-signal.js';
import { moveAlertState, type StateTarget } from './alert-state-machine.js';

/**
 * Which state each rule should be in. Two moments ask: a job's end (every condition, for that job's
 * mapping, in the transaction that stores the job's status) and the periodic check (the conditions that
 * change without a job ending: time passing, errors triaged).
 */

/** What a job's end tells the rules. */
export interface JobEnd {
  jobId: number;
  mappingId: number;
  status: FinishedJobStatus;
  failed: number;
  message: string | null;
  now: number;
}

/** A job that ran its course: records may have failed, but the sync itself works. */
const SUCCESSFUL: readonly FinishedJobStatus[] = ['SUCCEEDED', 'PARTIAL'];

/**
 * Moves the states of the enabled rules that watch the job's mapping, in `tx` (the transaction that stores
 * the job's final status). Returns the changes, to be announced once the transaction commits.
 */
export async function evaluateAlertsOnJobEnd(tx: EntityManager, end: JobEnd): Promise<AlertStateChange[]> {
  const rules = await tx.find(AlertRuleSchema, {
    enabled: true,
    $or: [{ mappingId: null }, { mappingId: end.mappingId }],
  });
  const changes: AlertStateChange[] = [];
  for (const rule of rules) {
    const target = await targetOnJobEnd(tx, rule, end);
    if (!target) continue;
    const change = await moveAlertState(tx, rule, end.mappingId, target, end.now);
    if (change) changes.push(change);
  }
  return changes;
}

async function targetOnJobEnd(tx: EntityManager, rule: AlertRule, end: JobEnd): Promise<StateTarget | null> {
  const successful = SUCCESSFUL.includes(end.status);
  const job = `job ${end.jobId} ended ${end.status}`;
  switch (rule.condition) {
    case 'JOB_FAILED':
      if (end.status === 'FAILED') return firing(`${job}${end.message ? `: ${end.message}` : ''}`, end.jobId);
      return successful ? resolved(job, end.jobId) : null;
    case 'RECORDS_FAILED_OVER': {
      const threshold = rule.threshold ?? 0;
      if (end.status !== 'CANCELLED' && end.failed > threshold) {
        return firing(`${job} with ${end.failed} records failed (more than ${threshold})`, end.jobId);
      }
      return successful ? resolved(`${job} with ${end.failed} records failed`, end.jobId) : null;
    }
    case 'OPEN_ERRORS_OVER':
      return openErrorsTarget(tx, rule, end.mappingId, end.jobId);
    case 'NO_SUCCESS_FOR':
      return successful ? resolved(job, end.jobId) : null;
  }
}

/**
 * The periodic check: NO_SUCCESS_FOR for every mapping that runs on a schedule, OPEN_ERRORS_OVER for every
 * mapping a rule watches. Each move commits on its own. Returns the changes.
 */
export async function evaluatePeriodicAlerts(em: EntityManager, now = Date.now()): Promise<AlertStateChange[]> {
  const rules = await em.find(AlertRuleSchema, {
    enabled: true,
    condition: { $in: ['NO_SUCCESS_FOR', 'OPEN_ERRORS_OVER'] },
  });
  const changes: AlertStateChange[] = [];
  for (const rule of rules) {
    const targets =
      rule.condition === 'NO_SUCCESS_FOR' ? await stalledTargets(em, rule, now) : await openErrorTargets(em, rule);
    for (const [mappingId, target] of targets) {
      const change = await em.transactional((tx) => moveAlertState(tx, rule, mappingId, target, now));
      if (change) changes.push(change);
    }
  }
  return changes;
}

/**
 * A mapping is stalled when it runs on a schedule (enabled, schedule > 0) and its last successful job
 * ended longer than `minutes` ago — or, never having succeeded, the rule has existed that long.
 */
async function stalledTargets(em: EntityManager, rule: AlertRule, now: number): Promise<Map<number, StateTarget>> {
  const windowMs = rule.stalledAfterMs ?? 0;
  const mappingFilter = rule.mappingId === null ? '' : 'and m.id = ?';
  const rows = await em.execute<Array<{ id: unknown; last_success: unknown }>>(
    `select m.id, (select max(j.finished_at) from sync_job j
                   where j.mapping_id = m.id and j.status in ('SUCCEEDED', 'PARTIAL')) as last_success
     from table_mapping m
     where m.enabled = ? and m.schedule_seconds > 0 ${mappingFilter}`,
    [true, ...(rule.mappingId === null ? [] : [rule.mappingId])],
  );
  const targets = new Map<number, StateTarget>();
  for (const row of rows) {
    const lastSuccess = row.last_success == null ? null : Number(row.last_success);
    const since = Math.max(lastSuccess ?? 0, rule.createdAt);
    const minutes = formatMinutes(windowMs / 60_000);
    targets.set(
      Number(row.id),
      now - since > windowMs
        ? firing(
            lastSuccess === null
              ? `no successful job in the ${minutes} since the rule was created`
              : `no successful job for ${minutes} (the last ended ${new Date(lastSuccess).toISOString()})`,
            null,
          )
        : resolved(`a job succeeded within ${minutes}`, null),
    );
  }
  return targets;
}

/** OPEN_ERRORS_OVER per mapping watched: one grouped count. */
async function openErrorTargets(em: EntityManager, rule: AlertRule): Promise<Map<number, StateTarget>> {
  const watched = rule.mappingId ?? null;
  const mappingIds =
    watched === null
      ? (await em.execute<Array<{ id: unknown }>>('select id from table_mapping')).map((row) => Number(row.id))
      : [watched];
  const counts = await openErrorCounts(em, rule, watched);
  const targets = new Map<number, StateTarget>();
  for (const mappingId of mappingIds) targets.set(mappingId, openErrorsVerdict(rule, counts.get(mappingId) ?? 0, null));
  return targets;
}

async function openErrorsTarget(
  tx: EntityManager,
  rule: AlertRule,
  mappingId: number,
  jobId: number,
): Promise<StateTarget> {
  const counts = await openErrorCounts(tx, rule, mappingId);
  return openErrorsVerdict(rule, counts.get(mappingId) ?? 0, jobId);
}

function openErrorsVerdict(rule: AlertRule, open: number, jobId: number | null): StateTarget {
  const threshold = rule.threshold ?? 0;
  const kinds = ruleKinds(rule);
  const what = `${open} open ${kinds ? `${kinds.join('/')} ` : ''}errors`;
  return open > threshold ? firing(`${what} (more than ${threshold})`, jobId) : resolved(`${what}`, jobId);
}

async function openErrorCounts(
  em: EntityManager,
  rule: AlertRule,
  mappingId: number | null,
): Promise<Map<number, number>> {
  const kinds = ruleKinds(rule);
  const where: string[] = ["status = 'OPEN'"];
  const params: unknown[] = [];
  if (mappingId !== null) {
    where.push('mapping_id = ?');
    params.push(mappingId);
  }
  if (kinds) {
    where.push(`kind in (${kinds.map(() => '?').join(', ')})`);
    params.push(...kinds);
  }
  const rows = await em.execute<Array<{ mapping_id: unknown; n: unknown }>>(
    `select mapping_id, count(*) as n from sync_error where ${where.join(' and ')} group by mapping_id`,
    params,
  );
  return new Map(rows.map((row) => [Number(row.mapping_id), Number(row.n)]));
}

const firing = (message: string, jobId: number | null): StateTarget => ({ status: 'FIRING', message, jobId });
const resolved = (message: string, jobId: number | null): StateTarget => ({ status: 'RESOLVED', message, jobId });

function formatMinutes(minutes: number): string {
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
