import type { ChangeCursor } from '../connectors/connector.js';
import { entityRows } from '../db/entity-rows.js';
import type { StoreSql, StoreSqlAccess } from '../db/store-sql.js';
import type { Side } from '../entities/enums.js';
import { SyncCheckpointSchema } from '../entities/sync-checkpoint.entity.js';

const CHECKPOINTS = entityRows(SyncCheckpointSchema);

export interface Checkpoint {
  cursor: ChangeCursor | null;
  deletionScanAt: number | null;
}

/** Per mapping and side: where change reading resumes, and when deletions were last scanned. */
export class CheckpointRepository {
  constructor(private readonly store: StoreSqlAccess) {}

  async load(mappingId: number, side: Side): Promise<Checkpoint> {
    const [found] = await this.store.session((sql) =>
      sql.query<Record<string, unknown>>('select * from sync_checkpoint where mapping_id = ? and side = ?', [
        mappingId,
        side,
      ]),
    );
    if (!found) return { cursor: null, deletionScanAt: null };
    const row = CHECKPOINTS.fromRow(found);
    // A row created only to remember the deletion scan has no cursor yet (record_id '').
    return {
      cursor: row.recordId !== '' ? { modifiedUs: row.modifiedUs, id: row.recordId } : null,
      deletionScanAt: row.deletionScanAt,
    };
  }

  /** Moves the cursor (the engine only ever moves it forward: a look-back re-read must not rewind it). */
  async saveCursor(sql: StoreSql, mappingId: number, side: Side, cursor: ChangeCursor): Promise<void> {
    await sql.run(
      `insert into sync_checkpoint (mapping_id, side, modified_us, record_id) values (?, ?, ?, ?)
       on conflict (mapping_id, side) do update set modified_us = excluded.modified_us, record_id = excluded.record_id`,
      [mappingId, side, cursor.modifiedUs, cursor.id],
    );
  }

  /** The delta link change tracking resumes from, or null to read every record. */
  async loadDeltaToken(mappingId: number, side: Side): Promise<string | null> {
    const [found] = await this.store.session((sql) =>
      sql.query<{ delta_token: string | null }>(
        'select delta_token from sync_checkpoint where mapping_id = ? and side = ?',
        [mappingId, side],
      ),
    );
    return found?.delta_token ?? null;
  }

  /** Stores where change tracking resumes (after the batch of its page committed). */
  async saveDeltaToken(mappingId: number, side: Side, token: string): Promise<void> {
    await this.store.transaction((sql) =>
      sql.run(
        `insert into sync_checkpoint (mapping_id, side, modified_us, record_id, delta_token) values (?, ?, 0, '', ?)
         on conflict (mapping_id, side) do update set delta_token = excluded.delta_token`,
        [mappingId, side, token],
      ),
    );
  }

  async saveDeletionScan(mappingId: number, side: Side, at: number): Promise<void> {
    await this.store.transaction((sql) =>
      sql.run(
        `insert into sync_checkpoint (mapping_id, side, modified_us, record_id, deletion_scan_at) values (?, ?, 0, '', ?)
         on conflict (mapping_id, side) do update set deletion_scan_at = excluded.deletion_scan_at`,
        [mappingId, side, at],
      ),
    );
  }
}
