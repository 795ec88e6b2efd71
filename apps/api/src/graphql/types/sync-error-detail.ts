import {
  describeSyncErrors,
  retryWouldRepeat,
  type SyncErrorDetail,
  type SyncErrorFieldDetail,
  type UnavailableSide,
} from '@tandem/sync-core';
import { builder } from '../builder.js';
import { SideEnum, SyncDirectionEnum } from './enums.js';
import { SyncErrorRef } from './sync-error.js';

/**
 * `SyncError.records` (`detail` was taken: it is the error's own text): both records as they are now, side by side with what was last synced. It reads the
 * apps, so it is a field of its own (a list page that does not select it never touches an app), and it
 * is batched per request: the errors of a page are read with two app calls per mapping.
 */

const SyncErrorFieldRef = builder.objectRef<SyncErrorFieldDetail>('SyncErrorField').implement({
  description: 'One mapped field of the two records: now, as last synced, and where it changed since.',
  fields: (t) => ({
    localField: t.exposeString('localField'),
    integrationField: t.exposeString('integrationField'),
    direction: t.field({ type: SyncDirectionEnum, resolve: (f) => f.direction }),
    local: t.field({ type: 'JSON', nullable: true, resolve: (f) => f.local }),
    integration: t.field({ type: 'JSON', nullable: true, resolve: (f) => f.integration }),
    lastSyncedLocal: t.field({ type: 'JSON', nullable: true, resolve: (f) => f.lastSyncedLocal }),
    lastSyncedIntegration: t.field({ type: 'JSON', nullable: true, resolve: (f) => f.lastSyncedIntegration }),
    conflicting: t.exposeBoolean('conflicting', { description: 'The error names this field (update conflict).' }),
    changedLocally: t.boolean({
      nullable: true,
      description: 'Changed on the local side since the last sync; null when unknown (record gone or unreadable).',
      resolve: (f) => f.changedLocally,
    }),
    changedInIntegration: t.boolean({
      nullable: true,
      description: 'Changed on the integration side since the last sync; null when unknown.',
      resolve: (f) => f.changedInIntegration,
    }),
  }),
});

const UnavailableSideRef = builder.objectRef<UnavailableSide>('SyncErrorUnavailableSide').implement({
  description: 'A side whose record could not be read now (app unreachable, connector or mapping gone).',
  fields: (t) => ({
    side: t.field({ type: SideEnum, resolve: (u) => u.side }),
    message: t.exposeString('message'),
  }),
});

const SyncErrorDetailRef = builder.objectRef<SyncErrorDetail>('SyncErrorRecords').implement({
  description: "An error's two records as the apps hold them now, field by field against the last sync.",
  fields: (t) => ({
    localRecord: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The local record’s mapped fields now (by local field name); null when it is gone, was never created, or could not be read.',
      resolve: (d) => d.local,
    }),
    integrationRecord: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The integration record’s mapped fields now (by integration field name); null as above.',
      resolve: (d) => d.integration,
    }),
    fields: t.field({ type: [SyncErrorFieldRef], resolve: (d) => d.fields }),
    retryWouldRepeat: t.boolean({
      nullable: true,
      description:
        'UPDATE_CONFLICT: true while a field is changed on both sides since the last sync — a retry meets the same conflict; use SYNCHRONIZE (a side wins). Null: no judgement (other kinds, a side unreadable, resolved).',
      resolve: (d) => retryWouldRepeat(d),
    }),
    unavailable: t.field({
      type: [UnavailableSideRef],
      description: 'Sides that could not be read; empty when both apps answered.',
      resolve: (d) => d.unavailable,
    }),
  }),
});

builder.objectField(SyncErrorRef, 'records', (t) =>
  t.loadable({
    type: SyncErrorDetailRef,
    nullable: true,
    description:
      'Both records now, every mapped field with its local, integration and last-synced values. Reads the two apps (batched per mapping): select it on one error or a small page. An unreachable app shows in `unavailable`, never as an error.',
    load: async (ids: number[], context) => {
      const { store, connectors } = context.services;
      const details = await describeSyncErrors({ store, connectors }, ids);
      return ids.map((id) => details.get(id) ?? null);
    },
    resolve: (error) => error.id,
  }),
);
