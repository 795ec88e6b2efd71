import type { EntityManager } from '@mikro-orm/knex';
import type { ConnectorRegistry } from '../connectors/connector.js';
import type { FilterCondition } from '../connectors/record-filter.js';
import { FieldMappingSchema } from '../entities/field-mapping.entity.js';
import { type TableMapping, TableMappingSchema } from '../entities/table-mapping.entity.js';
import { checkFilterAgainstTable } from './table-filter-check.js';
import { scheduledSeconds, sideTable, toMappingInput } from './table-mapping.mapper.js';
import { saveTableMapping } from './table-mapping.repository.js';
import type { SideInput } from './table-mapping-input.js';
import { applyMappingPatch, type TableMappingPatch } from './table-mapping-patch.js';

/**
 * Where a changed schedule goes: the job queue (`JobQueue.setSchedule`). Named here rather than imported,
 * because the queue runs the engine, which reads mappings: mappings stay below jobs.
 */
export interface MappingSchedules {
  setSchedule(mappingId: number, seconds: number): Promise<void>;
}

export interface UpdateTableMappingServices {
  /** The apps, to check new structured filters against their tables. */
  connectors: ConnectorRegistry;
  queue: MappingSchedules;
}

/**
 * Applies an admin's patch to a stored mapping and returns it as saved; null when it does not exist.
 * New filters are checked against the apps' tables before anything is saved, so a refused filter changes
 * nothing (`InvalidInputError` naming the path, e.g. `patch.localFilters[1].field`); the mapping rules
 * then refuse with `MappingDefinitionError`. The new schedule is handed to the queue at once.
 */
export async function updateTableMapping(
  em: EntityManager,
  mappingId: number,
  patch: TableMappingPatch,
  services: UpdateTableMappingServices,
): Promise<TableMapping | null> {
  const mapping = await em.findOne(TableMappingSchema, { id: mappingId });
  if (!mapping) return null;
  const fields = await em.find(FieldMappingSchema, { mappingId }, { orderBy: { position: 'asc' } });
  const stored = toMappingInput(mapping, fields);
  const checked = (side: SideInput, conditions: unknown, path: string): Promise<FilterCondition[]> =>
    checkFilterAgainstTable(services.connectors.get(side.connector), sideTable(side), conditions, path);
  const filters = {
    local:
      patch.localFilters == null
        ? stored.filters.local
        : await checked(stored.local, patch.localFilters, 'patch.localFilters'),
    integration:
      patch.integrationFilters == null
        ? stored.filters.integration
        : await checked(stored.integration, patch.integrationFilters, 'patch.integrationFilters'),
  };
  await saveTableMapping(em, applyMappingPatch(stored, patch, filters));
  // saveTableMapping wrote through its own transaction: what this EntityManager holds is stale now.
  em.clear();
  const saved = await em.findOneOrFail(TableMappingSchema, { id: mappingId });
  await services.queue.setSchedule(saved.id, scheduledSeconds(saved));
  return saved;
}
