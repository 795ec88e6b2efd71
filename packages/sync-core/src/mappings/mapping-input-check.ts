import { MappingDefinitionError } from '../errors/mapping-definition.error.js';
import { checkFilterShape } from './record-filter-check.js';
import { MAPPING_DEFAULTS, type TableMappingInput } from './table-mapping-input.js';
import { knownTransform } from './transforms.js';

/**
 * The rules of a mapping that need no app: each names the mapping and the field it is about. The config
 * file is checked with them at start, and every save (config or API) checks them again.
 */
export function validateMappingInput(input: TableMappingInput): void {
  const direction = input.direction ?? MAPPING_DEFAULTS.direction;
  if (input.fields.length === 0) throw new MappingDefinitionError(input.name, null, 'has no fields');
  const seenLocal = new Set<string>();
  const seenIntegration = new Set<string>();
  for (const field of input.fields) {
    const label = `${field.local} ↔ ${field.integration}`;
    if (field.direction && direction !== 'BIDIRECTIONAL' && field.direction !== direction) {
      throw new MappingDefinitionError(
        input.name,
        label,
        `direction ${field.direction} is not possible in a ${direction} mapping`,
      );
    }
    if (field.transform && !knownTransform(field.transform)) {
      throw new MappingDefinitionError(input.name, label, `unknown transform "${field.transform}"`);
    }
    if (seenLocal.has(field.local)) throw new MappingDefinitionError(input.name, field.local, 'is mapped twice');
    if (seenIntegration.has(field.integration)) {
      throw new MappingDefinitionError(input.name, field.integration, 'is mapped twice');
    }
    seenLocal.add(field.local);
    seenIntegration.add(field.integration);
  }
  if (input.parkAfterFailures !== undefined && input.parkAfterFailures < 1) {
    throw new MappingDefinitionError(input.name, null, 'parkAfterFailures must be at least 1');
  }
  if (input.scheduleSeconds !== undefined && input.scheduleSeconds < 0) {
    throw new MappingDefinitionError(input.name, null, 'scheduleSeconds must not be negative');
  }
  // Paths as the config file spells them; the API checks its own input first, under its own names.
  for (const side of ['local', 'integration'] as const) {
    const conditions = input.filters?.[side];
    if (conditions !== undefined) checkFilterShape(conditions, `filters.${side}`);
  }
}
