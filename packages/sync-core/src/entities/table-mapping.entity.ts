import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DELETION_CONFLICT_RESOLUTIONS, SYNC_DIRECTIONS, UPDATE_CONFLICT_RESOLUTIONS } from './enums.js';

/** One local table ↔ one integration table, with its policies. Field mappings live in `field_mapping`. */
export const TableMappingSchema = defineEntity({
  name: 'TableMapping',
  tableName: 'table_mapping',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().unique(),
    localConnector: p.string(),
    localTable: p.string(),
    localIdColumn: p.string(),
    localModifiedColumn: p.string(),
    /**
     * Optional raw SQL condition limiting which local records take part. Set only from the config file
     * (the operator's own): the API cannot change it, because it is pasted into the app's queries.
     */
    localFilter: p.text().nullable(),
    /** JSON of the local side's structured filter (FilterCondition[]); null: none. */
    localFilters: p.text().nullable(),
    integrationConnector: p.string(),
    integrationTable: p.string(),
    integrationIdColumn: p.string(),
    integrationModifiedColumn: p.string(),
    /** Integration column that stores the local id: makes inserts idempotent. */
    integrationExternalKey: p.string().nullable(),
    integrationFilter: p.text().nullable(),
    integrationFilters: p.text().nullable(),
    direction: p.enum([...SYNC_DIRECTIONS]),
    syncOnlyCoupledRecords: p.boolean().default(false),
    createNewIfNoMatch: p.boolean().default(true),
    updateConflictResolution: p.enum([...UPDATE_CONFLICT_RESOLUTIONS]).default('NONE'),
    deletionConflictResolution: p.enum([...DELETION_CONFLICT_RESOLUTIONS]).default('NONE'),
    /** Seconds between scheduled runs; 0 means the mapping runs only by hand. */
    scheduleSeconds: p.integer().default(0),
    enabled: p.boolean().default(true),
    /** A write failure that repeats this many times in a row parks its coupling. */
    parkAfterFailures: p.integer().default(2),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});
export type TableMapping = InferEntity<typeof TableMappingSchema>;
