import type { FieldValues } from '../connectors/connector.js';
import type { Side, UpdateConflictResolution } from '../entities/enums.js';
import { flowsToIntegration, flowsToLocal, type ResolvedField } from '../mappings/resolved-mapping.js';
import { applyTransform } from '../mappings/transforms.js';
import { sameValue } from './values.js';

/** One field value that a sync writes, for the log: on which side, before and after. */
export interface FieldChange {
  side: Side;
  field: string;
  before: unknown;
  after: unknown;
}

/** What to do with one coupled pair of records: the pure outcome of DESIGN.md rule 4. */
export interface FieldSyncPlan {
  /** Values to write to the integration record (by integration field); empty when nothing to write. */
  toIntegration: FieldValues;
  /** Values to write to the local record (by local field). */
  toLocal: FieldValues;
  /** Local names of fields changed on both sides to different values (left unresolved by the policy). */
  conflicts: string[];
  /** Conflicting fields that the policy resolved, with the side that won. */
  resolvedConflicts: Array<{ field: string; winner: Side }>;
  changes: FieldChange[];
  /** The mapped values each side holds once the writes are done: the next last-synced snapshot. */
  localAfter: FieldValues;
  integrationAfter: FieldValues;
}

export interface FieldSyncInput {
  fields: readonly ResolvedField[];
  local: FieldValues;
  integration: FieldValues;
  /** Last synced values; null for a coupling that has never been synced (a fresh match). */
  localSnapshot: FieldValues | null;
  integrationSnapshot: FieldValues | null;
  policy: UpdateConflictResolution;
  /** Per-field winners chosen by a person (the synchronize action); they take precedence over the policy. */
  fieldWinners?: ReadonlyMap<string, Side>;
  /** Whole-record winner: every field is made equal, taking this side's value (synchronize, restore). */
  winner?: Side;
  /** For a fresh coupling (no snapshot yet): the side whose record triggered it wins where it can flow. */
  preferredSide?: Side;
}

/** The value a field should have on the integration side, given the local value. */
export function integrationValueOf(field: ResolvedField, localValue: unknown): unknown {
  if (field.constant !== undefined) return field.constant;
  return applyTransform(field.transform, localValue);
}

/** The value a field should have on the local side, given the integration value. */
export function localValueOf(field: ResolvedField, integrationValue: unknown): unknown {
  if (field.constant !== undefined) return field.constant;
  return applyTransform(field.transform, integrationValue);
}

/**
 * Decides, field by field, what flows where (DESIGN.md rule 4):
 * - a field changed on one side only flows to the other, where its direction allows;
 * - changed on both sides to values that agree: no conflict, nothing to write;
 * - changed on both sides to different values: a conflict, resolved by the policy or left for triage;
 * - in a one-direction field, a destination change that a source change would overwrite is a conflict.
 * A transform that throws propagates: the caller records it as that record's write failure.
 */
export function planFieldSync(input: FieldSyncInput): FieldSyncPlan {
  const plan: FieldSyncPlan = {
    toIntegration: {},
    toLocal: {},
    conflicts: [],
    resolvedConflicts: [],
    changes: [],
    localAfter: {},
    integrationAfter: {},
  };
  for (const field of input.fields) {
    const localValue = input.local[field.localField] ?? null;
    const integrationValue = input.integration[field.integrationField] ?? null;
    const toIntegration = flowsToIntegration(field.direction);
    const toLocal = flowsToLocal(field.direction);
    const localChanged = !input.localSnapshot || !sameValue(localValue, input.localSnapshot[field.localField]);
    const integrationChanged =
      !input.integrationSnapshot || !sameValue(integrationValue, input.integrationSnapshot[field.integrationField]);

    let winner: Side | null = input.fieldWinners?.get(field.localField) ?? input.winner ?? null;
    if (!winner) {
      if (!localChanged && !integrationChanged) winner = null;
      else if (localChanged && !integrationChanged) winner = toIntegration ? 'LOCAL' : null;
      else if (!localChanged && integrationChanged) winner = toLocal ? 'INTEGRATION' : null;
      else if (agrees(field, localValue, integrationValue)) winner = null;
      else if (!input.localSnapshot || !input.integrationSnapshot) {
        // A fresh coupling (found by match): the record that triggered it wins where its data can flow.
        const preferred = input.preferredSide ?? 'LOCAL';
        const canFlow = preferred === 'LOCAL' ? toIntegration : toLocal;
        winner = canFlow ? preferred : preferred === 'LOCAL' ? 'INTEGRATION' : 'LOCAL';
      } else {
        const resolvedBy = policyWinner(input.policy);
        if (resolvedBy) plan.resolvedConflicts.push({ field: field.localField, winner: resolvedBy });
        else plan.conflicts.push(field.localField);
        winner = resolvedBy;
      }
    }

    let localAfter: unknown = localValue;
    let integrationAfter: unknown = integrationValue;
    // A one-sided change of a field that cannot flow from that side (destination drift in a one-direction
    // field) stays "changed since the last sync": a later source change that would overwrite it conflicts.
    if (winner === null && localChanged !== integrationChanged) {
      if (integrationChanged && !toLocal && input.integrationSnapshot) {
        integrationAfter = input.integrationSnapshot[field.integrationField] ?? null;
      }
      if (localChanged && !toIntegration && input.localSnapshot) {
        localAfter = input.localSnapshot[field.localField] ?? null;
      }
    }
    // A winner only moves data the way the field's direction allows; against it, the winner's side just
    // keeps its value and both values become the new last-synced snapshot.
    if (winner === 'LOCAL' && toIntegration) {
      const target = integrationValueOf(field, localValue);
      if (!sameValue(target, integrationValue)) {
        plan.toIntegration[field.integrationField] = target;
        plan.changes.push({
          side: 'INTEGRATION',
          field: field.integrationField,
          before: integrationValue,
          after: target,
        });
        integrationAfter = target;
      }
    } else if (winner === 'INTEGRATION' && toLocal) {
      const target = localValueOf(field, integrationValue);
      if (!sameValue(target, localValue)) {
        plan.toLocal[field.localField] = target;
        plan.changes.push({ side: 'LOCAL', field: field.localField, before: localValue, after: target });
        localAfter = target;
      }
    }
    plan.localAfter[field.localField] = localAfter;
    plan.integrationAfter[field.integrationField] = integrationAfter;
  }
  return plan;
}

/** Both sides already hold what the field's direction would make them hold. */
function agrees(field: ResolvedField, localValue: unknown, integrationValue: unknown): boolean {
  if (flowsToIntegration(field.direction) && sameValue(integrationValueOf(field, localValue), integrationValue)) {
    return true;
  }
  return flowsToLocal(field.direction) && sameValue(localValueOf(field, integrationValue), localValue);
}

function policyWinner(policy: UpdateConflictResolution): Side | null {
  if (policy === 'SEND_UPDATE_TO_INTEGRATION') return 'LOCAL';
  if (policy === 'GET_UPDATE_FROM_INTEGRATION') return 'INTEGRATION';
  return null;
}

export function hasWrites(plan: FieldSyncPlan): boolean {
  return Object.keys(plan.toIntegration).length > 0 || Object.keys(plan.toLocal).length > 0;
}
