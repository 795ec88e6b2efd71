import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * Who may run a mapping right now. A row per mapping; the holder renews `expiresAt` while its job runs,
 * so a crashed process's lease simply runs out and another process may take it.
 */
export const MappingLeaseSchema = defineEntity({
  name: 'MappingLease',
  tableName: 'mapping_lease',
  properties: {
    mappingId: p.integer().primary(),
    owner: p.string(),
    jobId: p.bigint('number').nullable(),
    acquiredAt: p.bigint('number'),
    expiresAt: p.bigint('number'),
  },
});
export type MappingLease = InferEntity<typeof MappingLeaseSchema>;
