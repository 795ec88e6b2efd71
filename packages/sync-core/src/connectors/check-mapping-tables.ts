import { InvalidConfigError } from '../errors/invalid-config.error.js';
import { type ConnectorRegistry, TableNotFoundError } from './connector.js';
import type { MappingFilters } from './record-filter.js';

const SIDES = ['local', 'integration'] as const;

/** Where one side of a mapping lives: the connector, the table and its id and modified-on columns. */
export interface MappedSide {
  connector: string;
  table: string;
  id: string;
  modifiedOn: string;
}

/**
 * As much of a mapping as this check reads: the names of tables and columns. A mapping as the config file
 * or the API states it fits it as it is; stating it here keeps connectors/ free of the mapping module
 * (the layer rule connector-not-to-domain in .dependency-cruiser.json).
 */
export interface MappedTables {
  local: MappedSide;
  integration: MappedSide & { externalKey?: string };
  fields: ReadonlyArray<{ local: string; integration: string }>;
  filters?: MappingFilters;
}

/**
 * Checks, before any job runs, that the apps have the tables and columns the mappings name: each side's
 * table, id, modified-on and external-key column, every field mapping's column on that side (disabled
 * fields too: a typo is a typo) and every structured filter condition's field. Returns every problem, not
 * just the first, each an `InvalidConfigError` whose path is the config key, e.g.
 * `mappings[0].fields[2].local: column "emial" does not exist in table customer`. A side whose connector is
 * not in `connectors` (it could not be opened, which was reported already) is skipped.
 */
export async function checkMappingTables(
  connectors: ConnectorRegistry,
  mappings: readonly MappedTables[],
): Promise<InvalidConfigError[]> {
  const problems: InvalidConfigError[] = [];
  for (const [index, mapping] of mappings.entries()) {
    for (const side of SIDES) problems.push(...(await checkSide(connectors, mapping, `mappings[${index}]`, side)));
  }
  return problems;
}

async function checkSide(
  connectors: ConnectorRegistry,
  mapping: MappedTables,
  at: string,
  side: (typeof SIDES)[number],
): Promise<InvalidConfigError[]> {
  const spec: MappedSide = mapping[side];
  const connector = connectors.get(spec.connector);
  if (!connector) return [];
  let columns: Set<string>;
  try {
    const table = connector.openTable({ table: spec.table, idColumn: spec.id, modifiedColumn: spec.modifiedOn });
    columns = new Set((await table.describe()).map((column) => column.name));
  } catch (error) {
    const reason =
      error instanceof TableNotFoundError
        ? `table "${spec.table}" does not exist on connector ${spec.connector}`
        : `cannot read table "${spec.table}" on connector ${spec.connector}: ${(error as Error).message}`;
    return [new InvalidConfigError(`${at}.${side}.table`, reason)];
  }
  const wanted: Array<[path: string, column: string]> = [
    [`${at}.${side}.id`, spec.id],
    [`${at}.${side}.modifiedOn`, spec.modifiedOn],
  ];
  const externalKey = side === 'integration' ? mapping.integration.externalKey : undefined;
  if (externalKey) wanted.push([`${at}.integration.externalKey`, externalKey]);
  mapping.fields.forEach((field, index) => {
    wanted.push([`${at}.fields[${index}].${side}`, field[side]]);
  });
  mapping.filters?.[side]?.forEach((condition, index) => {
    wanted.push([`${at}.filters.${side}[${index}].field`, condition.field]);
  });
  return wanted
    .filter(([, column]) => !columns.has(column))
    .map(([path, column]) => new InvalidConfigError(path, `column "${column}" does not exist in table ${spec.table}`));
}
