import {
  type Connector,
  TableNotFoundError,
  type TableSpec,
  TransientConnectorError,
} from '../connectors/connector.js';
import type { FilterCondition } from '../connectors/record-filter.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { checkFilterColumns, checkFilterShape } from './record-filter-check.js';

/**
 * Checks one side's structured filter against its app before it is stored, so that a filter that would
 * fail every job is refused now, naming the path of the mistake:
 * - its shape (operators, values), then that every field is a column of the table;
 * - then that the app takes the values (PostgreSQL refuses `"abc"` for an integer column), by reading
 *   at most one record with the filter. When that fails, each condition is tried alone to name the one.
 * Returns the conditions in their plain form. Throws `InvalidInputError` only; nothing is written.
 */
export async function checkFilterAgainstTable(
  connector: Connector | undefined,
  spec: Omit<TableSpec, 'filter' | 'conditions'>,
  conditions: unknown,
  path: string,
): Promise<FilterCondition[]> {
  const plain = checkFilterShape(conditions, path);
  if (plain.length === 0) return plain;
  if (!connector) throw new InvalidInputError(path, 'cannot be checked: the connector is not configured');
  // The raw filter stays out of the trial: only the conditions being checked may make it fail.
  const trial = (only: readonly FilterCondition[]) =>
    connector.openTable({ ...spec, filter: null, conditions: only }).readChanges(null, 1, []);
  let columns: string[];
  try {
    columns = (await connector.openTable({ ...spec, filter: null }).describe()).map((column) => column.name);
  } catch (error) {
    throw new InvalidInputError(path, `cannot be checked: ${unreadable(error, spec.table)}`);
  }
  checkFilterColumns(plain, columns, spec.table, path);
  try {
    await trial(plain);
    return plain;
  } catch (error) {
    if (error instanceof TransientConnectorError) {
      throw new InvalidInputError(path, `cannot be checked: ${unreadable(error, spec.table)}`);
    }
  }
  // A table that cannot be read even without conditions (its id column is gone) says nothing about them.
  try {
    await trial([]);
  } catch (error) {
    throw new InvalidInputError(path, `cannot be checked: ${unreadable(error, spec.table)}`);
  }
  for (const [index, condition] of plain.entries()) {
    try {
      await trial([condition]);
    } catch (error) {
      throw new InvalidInputError(`${path}[${index}]`, `the app refuses this condition: ${messageOf(error)}`);
    }
  }
  throw new InvalidInputError(path, 'the app refuses these conditions together');
}

/** Why the table could not be read at all: then nothing is known about the filter. */
function unreadable(error: unknown, table: string): string {
  if (error instanceof TableNotFoundError) return `table ${table} does not exist`;
  if (error instanceof TransientConnectorError) return `the app is unavailable now (${error.message})`;
  return messageOf(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
