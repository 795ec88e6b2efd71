import {
  API_KEY_ROLES,
  DELETION_CONFLICT_RESOLUTIONS,
  SIDES,
  SYNC_DIRECTIONS,
  SYNC_ERROR_KINDS,
  SYNC_ERROR_STATUSES,
  SYNC_JOB_STATUSES,
  SYNC_JOB_TRIGGERS,
  SYNC_LOG_ACTIONS,
  UPDATE_CONFLICT_RESOLUTIONS,
} from '@tandem/sync-core';
import { builder } from '../builder.js';

// The contract's enums (DESIGN.md "API surface"), taken from sync-core so the two can never drift apart.
export const SyncDirectionEnum = builder.enumType('SyncDirection', { values: SYNC_DIRECTIONS });
export const UpdateConflictResolutionEnum = builder.enumType('UpdateConflictResolution', {
  values: UPDATE_CONFLICT_RESOLUTIONS,
});
export const DeletionConflictResolutionEnum = builder.enumType('DeletionConflictResolution', {
  values: DELETION_CONFLICT_RESOLUTIONS,
});
export const SyncJobStatusEnum = builder.enumType('SyncJobStatus', { values: SYNC_JOB_STATUSES });
export const SyncJobTriggerEnum = builder.enumType('SyncJobTrigger', { values: SYNC_JOB_TRIGGERS });
export const SyncErrorKindEnum = builder.enumType('SyncErrorKind', { values: SYNC_ERROR_KINDS });
export const SyncErrorStatusEnum = builder.enumType('SyncErrorStatus', { values: SYNC_ERROR_STATUSES });
export const SideEnum = builder.enumType('Side', { values: SIDES });
export const SyncLogActionEnum = builder.enumType('SyncLogAction', { values: SYNC_LOG_ACTIONS });
export const ApiKeyRoleEnum = builder.enumType('ApiKeyRole', { values: API_KEY_ROLES });
