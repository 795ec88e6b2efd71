import { ALERT_CONDITIONS, type AlertCondition } from '../entities/alert-enums.js';
import { SYNC_ERROR_KINDS, type SyncErrorKind } from '../entities/enums.js';

/** A rule as the config file and the API write it (docs/ALERTS.md). */
export interface AlertRuleInput {
  name: string;
  /** A mapping's name; absent or null: every mapping. */
  mapping?: string | null;
  when: AlertCondition;
  threshold?: number | null;
  kinds?: readonly SyncErrorKind[] | null;
  minutes?: number | null;
  channels: readonly string[];
  enabled?: boolean;
}

/** A rule checked against the mappings and channels that exist, ready to store. */
export interface CheckedAlertRule {
  name: string;
  mappingId: number | null;
  condition: AlertCondition;
  threshold: number | null;
  kinds: SyncErrorKind[] | null;
  minutes: number | null;
  channels: string[];
  enabled: boolean;
}

/** One thing wrong with a rule: the field (`threshold`, `channels[1]` …) and why. */
export interface AlertRuleProblem {
  field: string;
  reason: string;
}

/** What a rule is checked against: the mappings by name and the configured channels. */
export interface AlertRuleContext {
  mappingIds: ReadonlyMap<string, number>;
  channels: ReadonlySet<string>;
}

/** Longest a stalled-sync window may be: 30 days, beyond the outbox's 24 h it makes little sense anyway. */
const MAX_MINUTES = 30 * 24 * 60;
const NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

/**
 * Checks a rule: the fields its condition needs (and none it ignores), a mapping and channels that exist.
 * Returns the stored form, or every problem found — each names its field, so the config loader can say
 * `alerts.rules[1].threshold` and the API `threshold`.
 */
export function checkAlertRule(
  input: AlertRuleInput,
  context: AlertRuleContext,
): { rule: CheckedAlertRule } | { problems: AlertRuleProblem[] } {
  const problems: AlertRuleProblem[] = [];
  const problem = (field: string, reason: string) => problems.push({ field, reason });

  if (typeof input.name !== 'string' || !NAME.test(input.name)) {
    problem('name', 'must be 1–100 letters, digits, ".", "-" or "_", starting with a letter or digit');
  }
  if (!ALERT_CONDITIONS.includes(input.when)) {
    problem('when', `"${String(input.when)}" is not a condition: use ${ALERT_CONDITIONS.join(', ')}`);
  }
  let mappingId: number | null = null;
  if (input.mapping != null) {
    const id = context.mappingIds.get(input.mapping);
    if (id === undefined) problem('mapping', `no mapping is named "${input.mapping}"`);
    else mappingId = id;
  }

  const needsThreshold = input.when === 'RECORDS_FAILED_OVER' || input.when === 'OPEN_ERRORS_OVER';
  if (needsThreshold) {
    if (input.threshold == null) problem('threshold', `${input.when} needs a threshold (a count, 0 or more)`);
    else if (!Number.isInteger(input.threshold) || input.threshold < 0) {
      problem('threshold', `must be a whole number, 0 or more (got ${input.threshold})`);
    }
  } else if (input.threshold != null) {
    problem('threshold', `${input.when} takes no threshold`);
  }

  if (input.kinds != null) {
    if (input.when !== 'OPEN_ERRORS_OVER') problem('kinds', `only OPEN_ERRORS_OVER counts errors by kind`);
    input.kinds.forEach((kind, index) => {
      if (!SYNC_ERROR_KINDS.includes(kind)) {
        problem(`kinds[${index}]`, `"${kind}" is not an error kind: use ${SYNC_ERROR_KINDS.join(', ')}`);
      }
    });
  }

  if (input.when === 'NO_SUCCESS_FOR') {
    if (input.minutes == null) problem('minutes', 'NO_SUCCESS_FOR needs minutes (how long without a successful job)');
    else if (!Number.isFinite(input.minutes) || input.minutes <= 0 || input.minutes > MAX_MINUTES) {
      problem('minutes', `must be more than 0 and at most ${MAX_MINUTES} (got ${input.minutes})`);
    }
  } else if (input.minutes != null) {
    problem('minutes', `${input.when} takes no minutes`);
  }

  if (!Array.isArray(input.channels) || input.channels.length === 0) {
    problem('channels', 'name at least one channel');
  } else {
    input.channels.forEach((channel, index) => {
      if (!context.channels.has(channel)) {
        const known = [...context.channels].join(', ') || 'none is configured';
        problem(`channels[${index}]`, `no channel is named "${channel}" (channels: ${known})`);
      }
    });
    if (new Set(input.channels).size !== input.channels.length) problem('channels', 'names a channel twice');
  }

  if (problems.length > 0) return { problems };
  return {
    rule: {
      name: input.name,
      mappingId,
      condition: input.when,
      threshold: needsThreshold ? (input.threshold ?? null) : null,
      kinds: input.kinds?.length ? [...input.kinds] : null,
      minutes: input.when === 'NO_SUCCESS_FOR' ? (input.minutes ?? null) : null,
      channels: [...input.channels],
      enabled: input.enabled ?? true,
    },
  };
}
