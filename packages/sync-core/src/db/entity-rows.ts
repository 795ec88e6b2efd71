import {
  BigIntType,
  BooleanType,
  type EntityProperty,
  type EntitySchema,
  IntegerType,
  StringType,
  TextType,
  UnderscoreNamingStrategy,
} from '@mikro-orm/core';

/**
 * Column names and row mappers for the SQL that goes past the ORM (the repositories' set-based writes,
 * the list pages), derived from each entity's MikroORM metadata: a new column is declared on the entity
 * and in its migration, and nowhere else. Both stores' drivers are covered: PostgreSQL returns bigint
 * columns as text, SQLite booleans as 0/1.
 *
 * Everything is worked out once per entity (and once per list of written properties); the per-row
 * functions are compiled to one object literal or array literal, as fast as the hand-written mappers
 * they replace — a generic loop over the properties took twice as long per row (1M rows: ~1.0 s
 * against ~0.5 s), which the engine's batches would feel.
 */

/** An entity's properties as plain data: every property present, `null` where the column is empty. */
export type EntityRow<T> = { [K in keyof T & string]-?: Exclude<T[K], undefined> };

/** How a column holding JSON (or another encoding) is read into its property and written back. */
export interface ColumnCodec<V> {
  read(value: unknown): V;
  write(value: V): unknown;
}

type Codecs = Record<string, ColumnCodec<unknown>>;

/** The entity's row with the properties that have a codec typed as the codec reads them. */
export type RowWith<T, C extends Codecs> = Omit<EntityRow<T>, keyof C> & {
  [K in keyof C & keyof EntityRow<T>]: C[K] extends ColumnCodec<infer V> ? V : never;
};

export interface EntityRows<Row> {
  /** The entity's table. */
  readonly table: string;
  /** Every property in declaration order. */
  readonly properties: readonly (keyof Row & string)[];
  /** Every property but the autoincrement id (the store assigns it): what an insert writes. */
  readonly insertable: readonly Exclude<keyof Row & string, 'id'>[];
  /** The column of each property. */
  readonly column: { readonly [K in keyof Row & string]: string };
  /** The columns of these properties, in their order. */
  columnsOf(properties: readonly (keyof Row & string)[]): string[];
  /** A row as either driver returns it (keyed by column) → the entity's properties and JS types. */
  fromRow(row: Record<string, unknown>): Row;
  /** A function giving these properties' values in their order, as the store's SQL binds them. */
  valuesOf<P extends keyof Row & string>(properties: readonly P[]): (row: Pick<Row, P>) => unknown[];
}

/** The row type of an entity's rows: `RowOf<typeof COUPLINGS>`. */
export type RowOf<Rows> = Rows extends EntityRows<infer Row> ? Row : never;

/** `properties` but `excluded`, typed as such: what an insert writes of an entity that leaves some columns alone. */
export function without<P extends string, X extends P>(
  properties: readonly P[],
  excluded: readonly X[],
): Exclude<P, X>[] {
  return properties.filter(
    (property): property is Exclude<P, X> => !(excluded as readonly string[]).includes(property),
  );
}

const naming = new UnderscoreNamingStrategy();
const derived = new WeakMap<object, EntityRows<unknown>>();

/**
 * The columns and row mappers of an entity; `codecs` name the properties whose columns hold an encoding
 * (`{ localValues: JSON_VALUES }`). Computed on first use and kept: call it at module level.
 */
export function entityRows<T, C extends Codecs = Record<never, never>>(
  schema: EntitySchema<T>,
  codecs?: C,
): EntityRows<RowWith<T, C>> {
  // Without codecs an entity has one derivation; with codecs each caller keeps its own at module level.
  const cached = codecs ? undefined : derived.get(schema);
  if (cached) return cached as EntityRows<RowWith<T, C>>;
  const rows = derive<RowWith<T, C>>(schema as EntitySchema<unknown>, codecs ?? {});
  if (!codecs) derived.set(schema, rows as EntityRows<unknown>);
  return rows;
}

interface Column {
  property: string;
  column: string;
  read: (value: unknown) => unknown;
  write: ((value: unknown) => unknown) | null;
}

function derive<Row>(schema: EntitySchema<unknown>, codecs: Codecs): EntityRows<Row> {
  const meta = schema.meta;
  const props = meta.properties as Record<string, EntityProperty>;
  const columns: Column[] = Object.entries(props).map(([property, prop]) => {
    const codec = codecs[property];
    return {
      property,
      column:
        (prop as { fieldName?: string }).fieldName ?? prop.fieldNames?.[0] ?? naming.propertyToColumnName(property),
      read: codec ? (value) => codec.read(value ?? null) : reader(meta.className, property, prop),
      write: codec ? (value) => codec.write(value) : null,
    };
  });
  const byProperty = new Map(columns.map((c) => [c.property, c]));
  const columnOf = (property: string): Column => {
    const column = byProperty.get(property);
    if (!column) throw new Error(`${meta.className} has no property "${property}"`);
    return column;
  };
  const writers = new Map<string, (row: unknown) => unknown[]>();
  return {
    table: meta.tableName ?? naming.classToTableName(meta.className),
    properties: columns.map((c) => c.property) as Array<keyof Row & string>,
    insertable: columns
      .filter((c) => !(props[c.property]?.primary && props[c.property]?.autoincrement))
      .map((c) => c.property) as Array<Exclude<keyof Row & string, 'id'>>,
    column: Object.fromEntries(columns.map((c) => [c.property, c.column])) as EntityRows<Row>['column'],
    columnsOf: (properties) => properties.map((property) => columnOf(property).column),
    fromRow: compileReader<Row>(columns),
    valuesOf: (properties) => {
      const key = properties.join(',');
      let writer = writers.get(key);
      if (!writer) {
        writer = compileWriter(properties.map(columnOf));
        writers.set(key, writer);
      }
      return writer;
    },
  };
}

/** The conversion from what a driver returns to the property's JS type, by the property's declared type. */
function reader(entity: string, property: string, prop: EntityProperty): (value: unknown) => unknown {
  const type = typeof prop.type === 'function' ? prop.type : (prop.type as object | undefined)?.constructor;
  let convert: (value: unknown) => unknown;
  if (
    type === IntegerType ||
    (type === BigIntType && (prop.type as unknown as BigIntType<'number'>).mode === 'number')
  ) {
    convert = (value) => (typeof value === 'number' ? value : Number(value));
  } else if (type === BooleanType) {
    convert = (value) => value === true || value === 1 || value === '1' || value === 't';
  } else if (type === StringType || type === TextType || prop.enum) {
    convert = (value) => value;
  } else {
    // A column type the rows were never taught: fail where the entity is derived, not on some later row.
    throw new Error(`${entity}.${property}: no row mapping for its column type; add one in db/entity-rows.ts`);
  }
  if (!prop.nullable) return convert;
  return (value) => (value === null || value === undefined ? null : convert(value));
}

/** `row => ({ "id": r0(row["id"]), "mappingId": r1(row["mapping_id"]), … })`, built once. */
function compileReader<Row>(columns: readonly Column[]): (row: Record<string, unknown>) => Row {
  const body = columns
    .map((c, index) => `${JSON.stringify(c.property)}: r${index}(row[${JSON.stringify(c.column)}])`)
    .join(', ');
  const readers = columns.map((c) => c.read);
  const factory = new Function(...readers.map((_, index) => `r${index}`), `return (row) => ({ ${body} });`);
  return factory(...readers);
}

/** `row => [row["mappingId"], w1(row["localValues"]), …]`, built once per list of properties. */
function compileWriter(columns: readonly Column[]): (row: unknown) => unknown[] {
  const items = columns.map((c, index) =>
    c.write ? `w${index}(row[${JSON.stringify(c.property)}])` : `row[${JSON.stringify(c.property)}]`,
  );
  const writers = columns.map((c) => c.write ?? ((value: unknown) => value));
  const factory = new Function(...writers.map((_, index) => `w${index}`), `return (row) => [${items.join(', ')}];`);
  return factory(...writers);
}
