import { AlertDeliverySchema } from './alert-delivery.entity.js';
import { AlertDeliveryAttemptSchema } from './alert-delivery-attempt.entity.js';
import { AlertRuleSchema } from './alert-rule.entity.js';
import { AlertStateSchema } from './alert-state.entity.js';
import { ApiKeySchema } from './api-key.entity.js';
import { CouplingSchema } from './coupling.entity.js';
import { FieldMappingSchema } from './field-mapping.entity.js';
import { MappingLeaseSchema } from './mapping-lease.entity.js';
import { SyncCheckpointSchema } from './sync-checkpoint.entity.js';
import { SyncErrorSchema } from './sync-error.entity.js';
import { SyncJobSchema } from './sync-job.entity.js';
import { SyncLogEntrySchema } from './sync-log-entry.entity.js';
import { TableMappingSchema } from './table-mapping.entity.js';

export * from './alert-delivery.entity.js';
export * from './alert-delivery-attempt.entity.js';
export * from './alert-enums.js';
export * from './alert-rule.entity.js';
export * from './alert-state.entity.js';
export * from './api-key.entity.js';
export * from './coupling.entity.js';
export * from './enums.js';
export * from './field-mapping.entity.js';
export * from './mapping-lease.entity.js';
export * from './sync-checkpoint.entity.js';
export * from './sync-error.entity.js';
export * from './sync-job.entity.js';
export * from './sync-log-entry.entity.js';
export * from './table-mapping.entity.js';

export const ALL_ENTITIES = [
  TableMappingSchema,
  FieldMappingSchema,
  CouplingSchema,
  SyncJobSchema,
  SyncErrorSchema,
  SyncLogEntrySchema,
  SyncCheckpointSchema,
  MappingLeaseSchema,
  ApiKeySchema,
  AlertRuleSchema,
  AlertStateSchema,
  AlertDeliverySchema,
  AlertDeliveryAttemptSchema,
];
