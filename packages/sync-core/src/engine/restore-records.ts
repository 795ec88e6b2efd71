import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import { syncedState } from './coupling-state.js';
import { valuesForNewRecord } from './record-values.js';
import type { SyncWork } from './sync-work.js';
import { recordWriteFailure } from './write-failure.js';

/** A coupling whose record on `deletedSide` is gone, with the surviving record to re-create it from. */
export interface RestoreItem {
  coupling: CouplingRow;
  deletedSide: 'LOCAL' | 'INTEGRATION';
  existing: { id: string; modifiedUs: number; values: Record<string, unknown> };
}

export interface RestoreOutcome {
  ok: boolean;
  message: string | null;
}

/**
 * Re-creates deleted records from their counterparts, in one batched insert per side, and points each
 * coupling at its new record. Shared by the RESTORE_RECORDS policy and the restore-records action.
 * A rejected insert is recorded as that coupling's write failure. Returns the outcome per coupling id.
 */
export async function restoreRecords(
  work: SyncWork,
  writer: BatchWriter,
  items: readonly RestoreItem[],
  resolution = 'RESTORED',
): Promise<Map<number, RestoreOutcome>> {
  const outcomes = new Map<number, RestoreOutcome>();
  for (const side of ['LOCAL', 'INTEGRATION'] as const) {
    const inserting: Array<RestoreItem & { values: Record<string, unknown> }> = [];
    for (const item of items.filter((i) => i.deletedSide === side)) {
      try {
        inserting.push({ ...item, values: valuesForNewRecord(work.mapping, side, item.existing, true) });
      } catch (error) {
        const message = `transform failed: ${(error as Error).message}`;
        recordWriteFailure(work, writer, item.coupling, message, null);
        outcomes.set(item.coupling.id, { ok: false, message });
      }
    }
    const results = await work.sideTable(side).insert(inserting.map((i) => i.values));
    inserting.forEach((item, index) => {
      const result = results[index];
      if (!result?.ok) {
        const message = result?.message ?? 'insert failed';
        recordWriteFailure(work, writer, item.coupling, message, result && !result.ok ? (result.detail ?? null) : null);
        outcomes.set(item.coupling.id, { ok: false, message });
        return;
      }
      writer.report.wrote(side, result);
      settleRestore(work, writer, item, item.values, result, resolution);
      outcomes.set(item.coupling.id, { ok: true, message: null });
    });
  }
  return outcomes;
}

function settleRestore(
  work: SyncWork,
  writer: BatchWriter,
  item: RestoreItem,
  values: Record<string, unknown>,
  result: { id: string; modifiedUs: number },
  resolution: string,
): void {
  const { coupling, deletedSide, existing } = item;
  const restored = { id: result.id, modifiedUs: result.modifiedUs, values };
  const updated: CouplingRow = {
    ...coupling,
    ...(deletedSide === 'LOCAL' ? syncedState(work, restored, existing) : syncedState(work, existing, restored)),
  };
  writer.updateCoupling(updated, { identity: true });
  writer.resolveError(coupling.id, resolution);
  writer.log(
    work.logEntry(
      { id: coupling.id, localId: updated.localId, integrationId: updated.integrationId },
      {
        direction: deletedSide === 'LOCAL' ? 'FROM_INTEGRATION' : 'TO_INTEGRATION',
        action: 'RESTORE',
        changes: Object.entries(values).map(([field, after]) => ({ side: deletedSide, field, before: null, after })),
        message: `re-created the deleted ${deletedSide === 'LOCAL' ? 'local' : 'integration'} record as ${result.id}`,
      },
    ),
  );
}
