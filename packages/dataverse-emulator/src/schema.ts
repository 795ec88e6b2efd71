import { readFileSync } from 'node:fs';
import type { EmulatorColumn, EmulatorEntitySet, EmulatorSchema } from './types.js';

/** Columns Dataverse sets itself on every table; a client cannot write them. */
export const SERVER_COLUMNS = ['createdon', 'modifiedon', 'versionnumber'] as const;

/** One entity set with everything the handlers need looked up once. */
export interface ResolvedEntitySet {
  name: string;
  logicalName: string;
  key: string;
  /** Declared columns plus the key and the server-set columns, by name. */
  columns: Map<string, EmulatorColumn>;
  /** Columns a client may write (the key included: Dataverse lets a create choose its GUID). */
  writable: Set<string>;
  alternateKeys: string[][];
  changeTracking: boolean;
  /** SQLite table name (the entity set name is validated to be a plain identifier). */
  table: string;
}

export class SchemaError extends Error {
  constructor(path: string, message: string) {
    super(`schema ${path}: ${message}`);
    this.name = 'SchemaError';
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPES = new Set(['string', 'int', 'decimal', 'boolean', 'datetime', 'guid']);

/** Validates a schema object (from code or a JSON file) and names the path of the first thing wrong. */
export function parseSchema(input: unknown): EmulatorSchema {
  const schema = input as EmulatorSchema;
  if (!schema || typeof schema !== 'object' || !Array.isArray(schema.entitySets)) {
    throw new SchemaError('entitySets', 'must be a list of entity sets');
  }
  const seen = new Set<string>();
  schema.entitySets.forEach((set, i) => {
    const at = `entitySets[${i}]`;
    if (!set || typeof set.name !== 'string' || !IDENTIFIER.test(set.name)) {
      throw new SchemaError(`${at}.name`, 'must be a plain identifier such as "accounts"');
    }
    if (seen.has(set.name)) throw new SchemaError(`${at}.name`, `"${set.name}" is declared twice`);
    seen.add(set.name);
    if (typeof set.key !== 'string' || !IDENTIFIER.test(set.key)) {
      throw new SchemaError(`${at}.key`, 'must be the primary key column name, e.g. "accountid"');
    }
    if (!Array.isArray(set.columns)) throw new SchemaError(`${at}.columns`, 'must be a list');
    const names = new Set<string>();
    set.columns.forEach((column, j) => {
      const cat = `${at}.columns[${j}]`;
      if (!column || typeof column.name !== 'string' || !IDENTIFIER.test(column.name)) {
        throw new SchemaError(`${cat}.name`, 'must be a plain identifier');
      }
      if (names.has(column.name)) throw new SchemaError(`${cat}.name`, `"${column.name}" is declared twice`);
      names.add(column.name);
      if (!TYPES.has(column.type)) {
        throw new SchemaError(`${cat}.type`, `must be one of ${[...TYPES].join(', ')}, got ${String(column.type)}`);
      }
      if (column.maxLength !== undefined && !(Number.isInteger(column.maxLength) && column.maxLength > 0)) {
        throw new SchemaError(`${cat}.maxLength`, 'must be a positive whole number');
      }
      if ((SERVER_COLUMNS as readonly string[]).includes(column.name)) {
        throw new SchemaError(`${cat}.name`, `"${column.name}" is set by the server and is always present`);
      }
    });
    const keyColumn = set.columns.find((c) => c.name === set.key);
    if (keyColumn && keyColumn.type !== 'guid') {
      throw new SchemaError(`${at}.key`, `the primary key "${set.key}" must be a guid column`);
    }
    (set.alternateKeys ?? []).forEach((alternateKey, k) => {
      if (!Array.isArray(alternateKey) || alternateKey.length === 0) {
        throw new SchemaError(`${at}.alternateKeys[${k}]`, 'must be a non-empty list of column names');
      }
      for (const column of alternateKey) {
        if (!names.has(column)) {
          throw new SchemaError(`${at}.alternateKeys[${k}]`, `"${column}" is not a declared column`);
        }
      }
    });
  });
  return schema;
}

/** Reads a JSON schema file (see schemas/demo.json for the shape). */
export function loadSchemaFile(path: string): EmulatorSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SchemaError(path, `cannot be read as JSON: ${(error as Error).message}`);
  }
  return parseSchema(parsed);
}

export function resolveEntitySet(set: EmulatorEntitySet): ResolvedEntitySet {
  const columns = new Map<string, EmulatorColumn>();
  columns.set(set.key, { name: set.key, type: 'guid' });
  for (const column of set.columns) columns.set(column.name, column);
  columns.set('createdon', { name: 'createdon', type: 'datetime' });
  columns.set('modifiedon', { name: 'modifiedon', type: 'datetime' });
  columns.set('versionnumber', { name: 'versionnumber', type: 'int' });
  const writable = new Set([...columns.keys()].filter((c) => !(SERVER_COLUMNS as readonly string[]).includes(c)));
  return {
    name: set.name,
    logicalName: set.logicalName ?? set.name.replace(/s$/, ''),
    key: set.key,
    columns,
    writable,
    alternateKeys: set.alternateKeys ?? [],
    changeTracking: set.changeTracking ?? true,
    table: `es_${set.name}`,
  };
}
