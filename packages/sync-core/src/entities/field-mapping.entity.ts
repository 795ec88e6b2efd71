import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SYNC_DIRECTIONS } from './enums.js';

/** One local field ↔ one integration field of a table mapping. */
export const FieldMappingSchema = defineEntity({
  name: 'FieldMapping',
  tableName: 'field_mapping',
  properties: {
    id: p.integer().primary().autoincrement(),
    mappingId: p.integer().index(),
    position: p.integer(),
    localField: p.string(),
    integrationField: p.string(),
    /** Null: the mapping's direction. */
    direction: p.enum([...SYNC_DIRECTIONS]).nullable(),
    /** JSON-encoded constant written to the destination instead of the source value. */
    constantValue: p.text().nullable(),
    /** Name of a transform from the transform registry, applied on the way to the destination. */
    transform: p.string().nullable(),
    enabled: p.boolean().default(true),
    useForMatch: p.boolean().default(false),
    matchPriority: p.integer().default(0),
    caseSensitive: p.boolean().default(false),
    clearValueOnFailedSync: p.boolean().default(false),
  },
});
export type FieldMapping = InferEntity<typeof FieldMappingSchema>;
