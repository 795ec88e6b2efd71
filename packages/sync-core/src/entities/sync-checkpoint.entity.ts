import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Where change reading of one side of one mapping resumes: the compound cursor (modifiedOn, id). */
export const SyncCheckpointSchema = defineEntity({
  name: 'SyncCheckpoint',
  tableName: 'sync_checkpoint',
  properties: {
    mappingId: p.integer().primary(),
    side: p.string().primary(),
    modifiedUs: p.bigint('number'),
    recordId: p.string(),
    /** When this side was last scanned for deleted records (epoch ms). */
    deletionScanAt: p.bigint('number').nullable(),
    /** Where change tracking resumes on a side read through the app's own delta links (a URL), else null. */
    deltaToken: p.text().nullable(),
  },
  primaryKeys: ['mappingId', 'side'],
});
export type SyncCheckpoint = InferEntity<typeof SyncCheckpointSchema>;
