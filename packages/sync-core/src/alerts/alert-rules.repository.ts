import type { EntityManager } from '@mikro-orm/knex';
import type { AlertRuleSource } from '../entities/alert-enums.js';
import { type AlertRule, AlertRuleSchema } from '../entities/alert-rule.entity.js';
import type { SyncErrorKind } from '../entities/enums.js';
import { TableMappingSchema } from '../entities/table-mapping.entity.js';
import { InvalidConfigError } from '../errors/invalid-config.error.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import {
  type AlertRuleContext,
  type AlertRuleInput,
  type CheckedAlertRule,
  checkAlertRule,
} from './alert-rule-input.js';

/**
 * Rules come from two places: the config file (source CONFIG: written at start, replaced when the file
 * changes, read-only through the API) and the API (source API: an admin's, kept across restarts). Names
 * are unique across both; a config rule takes over an API rule of its name.
 */

/** The mappings by name, for checking rules. */
export async function mappingIdsByName(em: EntityManager): Promise<Map<string, number>> {
  const mappings = await em.find(TableMappingSchema, {}, { fields: ['id', 'name'] });
  return new Map(mappings.map((mapping) => [mapping.name, mapping.id]));
}

/**
 * Writes the config file's rules (checked against the stored mappings and the configured channels) and
 * removes config rules the file no longer has. A bad rule stops the start with an `InvalidConfigError`
 * naming `alerts.rules[i].field` and the rule; nothing is written then.
 */
export async function saveConfiguredAlertRules(
  em: EntityManager,
  rules: readonly AlertRuleInput[],
  channels: ReadonlySet<string>,
  now = Date.now(),
): Promise<void> {
  const context: AlertRuleContext = { mappingIds: await mappingIdsByName(em), channels };
  const checked: CheckedAlertRule[] = [];
  const seen = new Set<string>();
  rules.forEach((input, index) => {
    const result = checkAlertRule(input, context);
    const label = typeof input.name === 'string' ? ` (rule "${input.name}")` : '';
    if ('problems' in result) {
      const [first] = result.problems;
      throw new InvalidConfigError(`alerts.rules[${index}].${first!.field}`, `${first!.reason}${label}`);
    }
    if (seen.has(input.name))
      throw new InvalidConfigError(`alerts.rules[${index}].name`, `"${input.name}" is used twice`);
    seen.add(input.name);
    checked.push(result.rule);
  });
  await em.transactional(async (tx) => {
    const stored = await tx.find(AlertRuleSchema, {});
    const removed = stored.filter((rule) => rule.source === 'CONFIG' && !seen.has(rule.name)).map((rule) => rule.id);
    if (removed.length > 0) await removeRules(tx, removed);
    const byName = new Map(stored.map((rule) => [rule.name, rule]));
    for (const rule of checked) {
      const existing = byName.get(rule.name);
      const values = { ...storedForm(rule), source: 'CONFIG' as const, updatedAt: now };
      if (existing) tx.assign(existing, values);
      else tx.create(AlertRuleSchema, { ...values, createdAt: now });
    }
    await tx.flush();
  });
}

/**
 * A rule the file no longer has goes with its states and its notifications (sent or not): a state of a
 * rule that does not exist would fire forever on the dashboard, and a pending notification of it would
 * announce a rule nobody can look up.
 */
async function removeRules(tx: EntityManager, ruleIds: readonly number[]): Promise<void> {
  const ids = ruleIds.map(() => '?').join(', ');
  await tx.execute(
    `delete from alert_delivery_attempt where delivery_id in (select id from alert_delivery where rule_id in (${ids}))`,
    [...ruleIds],
    'run',
  );
  for (const table of ['alert_delivery', 'alert_state']) {
    await tx.execute(`delete from ${table} where rule_id in (${ids})`, [...ruleIds], 'run');
  }
  await tx.execute(`delete from alert_rule where id in (${ids})`, [...ruleIds], 'run');
}

/** An admin's new rule; `InvalidInputError` names the field (and the name when it is taken). */
export async function createAlertRule(
  em: EntityManager,
  input: AlertRuleInput,
  channels: ReadonlySet<string>,
  now = Date.now(),
): Promise<AlertRule> {
  const rule = await checkedOrThrow(em, input, channels);
  if (await em.count(AlertRuleSchema, { name: rule.name })) {
    throw new InvalidInputError('name', `a rule named "${rule.name}" exists already`);
  }
  const created = em.create(AlertRuleSchema, { ...storedForm(rule), source: 'API', createdAt: now, updatedAt: now });
  await em.flush();
  return created;
}

/**
 * Replaces an admin's rule with `input` (the whole rule: the console's form sends every field). A rule
 * from the config file is refused: the file is its source, and the next start would undo the change.
 */
export async function updateAlertRule(
  em: EntityManager,
  ruleId: number,
  input: AlertRuleInput,
  channels: ReadonlySet<string>,
  now = Date.now(),
): Promise<AlertRule | null> {
  const existing = await em.findOne(AlertRuleSchema, { id: ruleId });
  if (!existing) return null;
  refuseConfigRule(existing);
  const rule = await checkedOrThrow(em, input, channels);
  if (rule.name !== existing.name && (await em.count(AlertRuleSchema, { name: rule.name }))) {
    throw new InvalidInputError('name', `a rule named "${rule.name}" exists already`);
  }
  em.assign(existing, { ...storedForm(rule), updatedAt: now });
  await em.flush();
  return existing;
}

/** Turns an admin's rule on or off. A disabled rule keeps its state and is not evaluated. */
export async function setAlertRuleEnabled(
  em: EntityManager,
  ruleId: number,
  enabled: boolean,
  now = Date.now(),
): Promise<AlertRule | null> {
  const existing = await em.findOne(AlertRuleSchema, { id: ruleId });
  if (!existing) return null;
  refuseConfigRule(existing);
  em.assign(existing, { enabled, updatedAt: now });
  await em.flush();
  return existing;
}

export function findAlertRuleByName(em: EntityManager, name: string): Promise<AlertRule | null> {
  return em.findOne(AlertRuleSchema, { name });
}

/** The channel names a stored rule notifies. */
export function ruleChannels(rule: Pick<AlertRule, 'channels'>): string[] {
  return JSON.parse(rule.channels) as string[];
}

/** A NO_SUCCESS_FOR rule's window in minutes, as the file and the API write it; null for other rules. */
export function ruleMinutes(rule: Pick<AlertRule, 'stalledAfterMs'>): number | null {
  return rule.stalledAfterMs == null ? null : rule.stalledAfterMs / 60_000;
}

/** The error kinds an OPEN_ERRORS_OVER rule counts; null: every kind. */
export function ruleKinds(rule: Pick<AlertRule, 'kinds'>): SyncErrorKind[] | null {
  return rule.kinds == null ? null : (JSON.parse(rule.kinds) as SyncErrorKind[]);
}

function refuseConfigRule(rule: AlertRule): void {
  if (rule.source === ('CONFIG' satisfies AlertRuleSource)) {
    throw new InvalidInputError('id', `rule "${rule.name}" comes from the config file: change it there`);
  }
}

async function checkedOrThrow(
  em: EntityManager,
  input: AlertRuleInput,
  channels: ReadonlySet<string>,
): Promise<CheckedAlertRule> {
  const result = checkAlertRule(input, { mappingIds: await mappingIdsByName(em), channels });
  if ('problems' in result) {
    const [first] = result.problems;
    throw new InvalidInputError(first!.field, first!.reason);
  }
  return result.rule;
}

function storedForm(rule: CheckedAlertRule) {
  return {
    name: rule.name,
    mappingId: rule.mappingId,
    condition: rule.condition,
    threshold: rule.threshold,
    kinds: rule.kinds ? JSON.stringify(rule.kinds) : null,
    stalledAfterMs: rule.minutes === null ? null : Math.round(rule.minutes * 60_000),
    channels: JSON.stringify(rule.channels),
    enabled: rule.enabled,
  };
}
