import type { AlertRuleFields, CreateAlertRuleMutation } from '../graphql/alerts';
import type { ResultOf, VariablesOf } from '../graphql/tada';

export type AlertRule = ResultOf<typeof AlertRuleFields>;
export type AlertCondition = AlertRule['condition'];
export type AlertRuleInput = VariablesOf<typeof CreateAlertRuleMutation>['input'];

/** Every condition, in the order the form offers them; `satisfies` ties the list to the schema's enum. */
export const ALERT_CONDITIONS = [
  'JOB_FAILED',
  'RECORDS_FAILED_OVER',
  'OPEN_ERRORS_OVER',
  'NO_SUCCESS_FOR',
] as const satisfies readonly AlertCondition[];

/** What the rule form edits: every field, whatever the condition (the unused ones are dropped on save). */
export interface AlertRuleForm {
  name: string;
  mappingId: string | null;
  when: AlertCondition;
  threshold: number | null;
  kinds: string[];
  minutes: number | null;
  channels: string[];
}

export function emptyAlertRuleForm(): AlertRuleForm {
  return { name: '', mappingId: null, when: 'JOB_FAILED', threshold: null, kinds: [], minutes: null, channels: [] };
}

export function formOfRule(rule: AlertRule): AlertRuleForm {
  return {
    name: rule.name,
    mappingId: rule.mapping?.id ?? null,
    when: rule.condition,
    threshold: rule.threshold ?? null,
    kinds: [...(rule.kinds ?? [])],
    minutes: rule.minutes ?? null,
    channels: [...rule.channels],
  };
}

/** Which extra fields a condition takes. */
export function conditionFields(when: AlertCondition): { threshold: boolean; kinds: boolean; minutes: boolean } {
  return {
    threshold: when === 'RECORDS_FAILED_OVER' || when === 'OPEN_ERRORS_OVER',
    kinds: when === 'OPEN_ERRORS_OVER',
    minutes: when === 'NO_SUCCESS_FOR',
  };
}

/**
 * The API's input for a form: only the fields the condition takes, so switching conditions in the form
 * never sends a stale threshold. The API checks the rest and names the field it refuses.
 */
export function inputOfForm(form: AlertRuleForm, enabled = true): AlertRuleInput {
  const fields = conditionFields(form.when);
  return {
    name: form.name.trim(),
    mappingId: form.mappingId,
    when: form.when,
    threshold: fields.threshold ? form.threshold : null,
    kinds: fields.kinds && form.kinds.length > 0 ? (form.kinds as AlertRuleInput['kinds']) : null,
    minutes: fields.minutes ? form.minutes : null,
    channels: form.channels,
    enabled,
  };
}
