import type { EntityManager } from '@mikro-orm/knex';
import { type FieldMapping, FieldMappingSchema } from '../entities/field-mapping.entity.js';
import { TableMappingSchema } from '../entities/table-mapping.entity.js';
import { validateMappingInput } from './mapping-input-check.js';
import type { ResolvedMapping } from './resolved-mapping.js';
import { type FieldMappingColumns, resolveMapping, toFieldColumns, toMappingColumns } from './table-mapping.mapper.js';
import type { TableMappingInput } from './table-mapping-input.js';

/**
 * Creates or replaces (by name) a table mapping and its field mappings. Checks what can be checked
 * without the apps: field directions against the mapping's, transform names, duplicate fields.
 */
export async function saveTableMapping(em: EntityManager, input: TableMappingInput): Promise<number> {
  validateMappingInput(input);
  return em.transactional(async (tx) => {
    const now = Date.now();
    const values = { ...toMappingColumns(input), updatedAt: now };
    let mapping = await tx.findOne(TableMappingSchema, { name: input.name });
    if (mapping) tx.assign(mapping, values);
    else mapping = tx.create(TableMappingSchema, { ...values, createdAt: now });
    await tx.flush();
    const rows = toFieldColumns(mapping.id, input.fields);
    // The field list is replaced only when it changed: a restart or a patch of the policies keeps the rows.
    const stored = await tx.find(FieldMappingSchema, { mappingId: mapping.id }, { orderBy: { position: 'asc' } });
    if (!sameFieldRows(stored, rows)) {
      await tx.nativeDelete(FieldMappingSchema, { mappingId: mapping.id });
      for (const row of rows) tx.create(FieldMappingSchema, row);
    }
    await tx.flush();
    return mapping.id;
  });
}

/** Loads a mapping with its enabled fields in the form the engine uses; null when it does not exist. */
export async function loadResolvedMapping(em: EntityManager, mappingId: number): Promise<ResolvedMapping | null> {
  const mapping = await em.findOne(TableMappingSchema, { id: mappingId });
  if (!mapping) return null;
  const fields = await em.find(FieldMappingSchema, { mappingId, enabled: true }, { orderBy: { position: 'asc' } });
  return resolveMapping(mapping, fields);
}

function sameFieldRows(stored: readonly FieldMapping[], wanted: readonly FieldMappingColumns[]): boolean {
  if (stored.length !== wanted.length) return false;
  return wanted.every((row, index) => {
    const current = stored[index] as unknown as Record<string, unknown>;
    return Object.entries(row).every(([key, value]) => current[key] === value);
  });
}
