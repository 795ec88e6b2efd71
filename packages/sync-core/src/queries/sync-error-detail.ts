import type { ConnectorRegistry, FieldValues } from '../connectors/connector.js';
import type { Store } from '../db/orm.js';
import { type Coupling, CouplingSchema } from '../entities/coupling.entity.js';
import type { Side, SyncErrorKind, SyncErrorStatus } from '../entities/enums.js';
import { type SyncError, SyncErrorSchema } from '../entities/sync-error.entity.js';
import type { ResolvedMapping } from '../mappings/resolved-mapping.js';
import { loadResolvedMapping } from '../mappings/table-mapping.repository.js';
import { applicableActions, type TriageAction } from './applicable-actions.js';
import { compareFields, parseFieldList, parseSnapshot, type SyncErrorFieldDetail } from './field-comparison.js';
import { DEFAULT_READ_TIMEOUT_MS, readSide, type SideRead } from './record-reader.js';

export interface SyncErrorDetailContext {
  store: Store;
  connectors: ConnectorRegistry;
  /** How long to wait for an app before reporting its record unavailable (default 5 s). */
  readTimeoutMs?: number;
}

/** A side whose record could not be read: the app is down, or the mapping or connector is gone. */
export interface UnavailableSide {
  side: Side;
  message: string;
}

/** What the console shows for one error: both records now, field by field against the last sync, and what can be done. */
export interface SyncErrorDetail {
  errorId: number;
  kind: SyncErrorKind;
  status: SyncErrorStatus;
  localId: string | null;
  integrationId: string | null;
  /** The local record's mapped fields now; null when it is gone, was never created, or could not be read. */
  local: FieldValues | null;
  integration: FieldValues | null;
  fields: SyncErrorFieldDetail[];
  applicableActions: TriageAction[];
  unavailable: UnavailableSide[];
}

/** The record ids of an error: the coupling's (current) ids, else those the error recorded. */
function recordIds(error: SyncError, coupling: Coupling | undefined) {
  return {
    localId: coupling?.localId ?? error.localId ?? null,
    integrationId: coupling?.integrationId ?? error.integrationId ?? null,
  };
}

function unavailableSides(local: SideRead, integration: SideRead): UnavailableSide[] {
  const sides: UnavailableSide[] = [];
  if (local.unavailable) sides.push({ side: 'LOCAL', message: local.unavailable });
  if (integration.unavailable) sides.push({ side: 'INTEGRATION', message: integration.unavailable });
  return sides;
}

/**
 * Details of many errors at once, keyed by error id (ids that do not exist are absent). Errors are grouped
 * by mapping, so a page of errors costs two app reads per mapping, not two per error.
 */
export async function describeSyncErrors(
  ctx: SyncErrorDetailContext,
  errorIds: readonly number[],
): Promise<Map<number, SyncErrorDetail>> {
  const details = new Map<number, SyncErrorDetail>();
  if (errorIds.length === 0) return details;
  const em = ctx.store.em();
  const errors = await em.find(SyncErrorSchema, { id: { $in: [...new Set(errorIds)] } });
  const couplingIds = errors.flatMap((error) => (error.couplingId == null ? [] : [error.couplingId]));
  const couplings = couplingIds.length > 0 ? await em.find(CouplingSchema, { id: { $in: couplingIds } }) : [];
  const couplingById = new Map(couplings.map((coupling) => [coupling.id, coupling]));

  // (Map.groupBy is Node 21+; Node 20 is still supported.)
  const byMapping = new Map<number, SyncError[]>();
  for (const error of errors) byMapping.set(error.mappingId, [...(byMapping.get(error.mappingId) ?? []), error]);
  await Promise.all(
    [...byMapping].map(async ([mappingId, group]) => {
      const mapping = await loadResolvedMapping(em, mappingId);
      for (const detail of await describeGroup(ctx, mapping, group, couplingById)) details.set(detail.errorId, detail);
    }),
  );
  return details;
}

/** Details of one error; null when there is no such error. */
export async function describeSyncError(ctx: SyncErrorDetailContext, errorId: number): Promise<SyncErrorDetail | null> {
  return (await describeSyncErrors(ctx, [errorId])).get(errorId) ?? null;
}

async function describeGroup(
  ctx: SyncErrorDetailContext,
  mapping: ResolvedMapping | null,
  errors: readonly SyncError[],
  couplingById: ReadonlyMap<number, Coupling>,
): Promise<SyncErrorDetail[]> {
  const ids = errors.map((error) => recordIds(error, couplingById.get(error.couplingId ?? -1)));
  let local: SideRead;
  let integration: SideRead;
  if (mapping) {
    const timeout = ctx.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    const localIds = [...new Set(ids.flatMap((id) => (id.localId ? [id.localId] : [])))];
    const integrationIds = [...new Set(ids.flatMap((id) => (id.integrationId ? [id.integrationId] : [])))];
    // Both apps at once: the slower one sets the time, not the sum.
    [local, integration] = await Promise.all([
      readSide(
        ctx.connectors,
        mapping.local,
        localIds,
        mapping.fields.map((f) => f.localField),
        timeout,
      ),
      readSide(
        ctx.connectors,
        mapping.integration,
        integrationIds,
        mapping.fields.map((f) => f.integrationField),
        timeout,
      ),
    ]);
  } else {
    const gone = 'the mapping no longer exists';
    local = { values: new Map(), unavailable: gone };
    integration = { values: new Map(), unavailable: gone };
  }
  return errors.map((error, i) => {
    const { localId, integrationId } = ids[i]!;
    const coupling = couplingById.get(error.couplingId ?? -1);
    const localValues = localId ? (local.values.get(localId) ?? null) : null;
    const integrationValues = integrationId ? (integration.values.get(integrationId) ?? null) : null;
    return {
      errorId: error.id,
      kind: error.kind,
      status: error.status,
      localId,
      integrationId,
      local: localValues,
      integration: integrationValues,
      fields: compareFields({
        fields: mapping?.fields ?? [],
        local: localValues,
        integration: integrationValues,
        lastSyncedLocal: parseSnapshot(coupling?.localValues),
        lastSyncedIntegration: parseSnapshot(coupling?.integrationValues),
        conflicting: parseFieldList(error.fields),
      }),
      applicableActions: applicableActions(error.kind, error.status),
      unavailable: unavailableSides(local, integration),
    };
  });
}
