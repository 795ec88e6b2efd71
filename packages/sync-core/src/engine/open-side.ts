import { TableNotFoundError } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import { MappingDefinitionError } from '../errors/mapping-definition.error.js';
import type { ResolvedMapping } from '../mappings/resolved-mapping.js';
import { SideTable } from './side-table.js';
import type { EngineSettings, SyncContext } from './sync-context.js';

/**
 * Opens one side of a mapping and checks it against the app: the connector is configured, the table
 * exists, and so do the id, modified-on, mapped, external-key and filter columns. A mismatch is a
 * `MappingDefinitionError` naming the mapping and the field, which ends the job FAILED before any write.
 */
export async function openSide(
  context: SyncContext,
  mapping: ResolvedMapping,
  side: Side,
  settings: EngineSettings,
): Promise<SideTable> {
  const spec = side === 'LOCAL' ? mapping.local : mapping.integration;
  const connector = context.connectors.get(spec.connector);
  if (!connector) {
    throw new MappingDefinitionError(mapping.name, null, `connector "${spec.connector}" is not configured`);
  }
  const table = connector.openTable({
    table: spec.table,
    idColumn: spec.idColumn,
    modifiedColumn: spec.modifiedColumn,
    filter: spec.filter,
    conditions: spec.conditions,
  });
  const fields = mapping.fields.map((f) => (side === 'LOCAL' ? f.localField : f.integrationField));
  const externalKey = side === 'INTEGRATION' ? mapping.integration.externalKey : null;
  const sideTable = new SideTable(
    side,
    spec.connector,
    table,
    externalKey ? [...fields, externalKey] : fields,
    settings,
  );
  let columns: Set<string>;
  try {
    columns = new Set((await sideTable.describe()).map((c) => c.name));
  } catch (error) {
    if (error instanceof TableNotFoundError) {
      throw new MappingDefinitionError(
        mapping.name,
        null,
        `table "${spec.table}" does not exist in connector "${spec.connector}"`,
      );
    }
    throw error;
  }
  const where = `${side === 'LOCAL' ? 'local' : 'integration'} table "${spec.table}"`;
  const required: Array<[string, string]> = [
    [spec.idColumn, 'id column'],
    [spec.modifiedColumn, 'modified-on column'],
    ...fields.map((f): [string, string] => [f, 'field']),
  ];
  if (externalKey) required.push([externalKey, 'external key']);
  // A filter stored before a column was dropped (or written in the config file) names it here.
  for (const condition of spec.conditions) required.push([condition.field, 'filter field']);
  for (const [column, role] of required) {
    if (!columns.has(column)) {
      throw new MappingDefinitionError(mapping.name, column, `${role} "${column}" does not exist in ${where}`);
    }
  }
  return sideTable;
}
