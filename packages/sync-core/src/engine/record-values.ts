import type { FieldValues } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import { flowsToIntegration, flowsToLocal, type ResolvedMapping } from '../mappings/resolved-mapping.js';
import { integrationValueOf, localValueOf } from './field-sync.js';

/**
 * The values a new record on `destination` gets from its counterpart's values: the mapped fields that
 * flow that way (or, with `allFields`, every mapped field: restoring a deleted record re-creates it
 * whole), transformed, plus the external key (the local id) on the integration side.
 * Throws when a transform rejects a value.
 */
export function valuesForNewRecord(
  mapping: ResolvedMapping,
  destination: Side,
  source: { id: string; values: FieldValues },
  allFields = false,
): FieldValues {
  const values: FieldValues = {};
  for (const field of mapping.fields) {
    if (destination === 'INTEGRATION') {
      if (allFields || flowsToIntegration(field.direction)) {
        values[field.integrationField] = integrationValueOf(field, source.values[field.localField] ?? null);
      }
    } else if (allFields || flowsToLocal(field.direction)) {
      values[field.localField] = localValueOf(field, source.values[field.integrationField] ?? null);
    }
  }
  if (destination === 'INTEGRATION' && mapping.integration.externalKey) {
    values[mapping.integration.externalKey] = source.id;
  }
  return values;
}

/** A side's mapped values, keyed by that side's field names, from a full set of values. */
export function snapshotOf(mapping: ResolvedMapping, side: Side, values: FieldValues): FieldValues {
  const snapshot: FieldValues = {};
  for (const field of mapping.fields) {
    const name = side === 'LOCAL' ? field.localField : field.integrationField;
    snapshot[name] = values[name] ?? null;
  }
  return snapshot;
}
