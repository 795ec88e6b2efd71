import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { COUPLING_STATES } from './enums.js';

/**
 * One local record ↔ one integration record, with what was last synced on each side.
 *
 * Modified-on values are kept as epoch microseconds: PostgreSQL timestamps carry microseconds, and a
 * coarser copy would make every record we wrote look changed again (an echo).
 */
export const CouplingSchema = defineEntity({
  name: 'Coupling',
  tableName: 'coupling',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    mappingId: p.integer(),
    /** Null only while PENDING an insert on the local side. */
    localId: p.string().nullable(),
    /** Null only while PENDING an insert on the integration side. */
    integrationId: p.string().nullable(),
    state: p.enum([...COUPLING_STATES]).default('COUPLED'),
    localModifiedUs: p.bigint('number').nullable(),
    integrationModifiedUs: p.bigint('number').nullable(),
    /** Last synced values of the mapped local fields (JSON object keyed by local field). */
    localValues: p.text().nullable(),
    /** Last synced values of the mapped integration fields (JSON object keyed by integration field). */
    integrationValues: p.text().nullable(),
    /** A parked coupling waits for a triage action; later jobs skip it. */
    parked: p.boolean().default(false),
    /** Consecutive identical write failures; reset by a successful sync. */
    failureCount: p.integer().default(0),
    lastFailure: p.text().nullable(),
    /** Set by retry: the next job includes this coupling even if neither record changed. */
    retryRequested: p.boolean().default(false),
    lastSyncedAt: p.bigint('number').nullable(),
    lastJobId: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
  },
  uniques: [
    { name: 'coupling_mapping_local_unique', properties: ['mappingId', 'localId'] },
    { name: 'coupling_mapping_integration_unique', properties: ['mappingId', 'integrationId'] },
  ],
});
export type Coupling = InferEntity<typeof CouplingSchema>;
