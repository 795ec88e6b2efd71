import type { Knex } from '@mikro-orm/knex';
import type { ChangeCursor } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import { toNullableNumber, toNumber } from './sql-values.js';

export interface Checkpoint {
  cursor: ChangeCursor | null;
  deletionScanAt: number | null;
}

/** Per mapping and side: where change reading resumes, and when deletions were last scanned. */
export class CheckpointRepository {
  constructor(private readonly knex: Knex) {}

  async load(mappingId: number, side: Side): Promise<Checkpoint> {
    const row = await this.knex('sync_checkpoint').where({ mapping_id: mappingId, side }).first();
    if (!row) return { cursor: null, deletionScanAt: null };
    // A row created only to remember the deletion scan has no cursor yet (record_id '').
    const hasCursor = row.record_id !== '' && row.record_id !== null;
    return {
      cursor: hasCursor ? { modifiedUs: toNumber(row.modified_us), id: String(row.record_id) } : null,
      deletionScanAt: toNullableNumber(row.deletion_scan_at),
    };
  }

  /** Moves the cursor forward (never back: a look-back re-read must not rewind it). */
  async saveCursor(trx: Knex, mappingId: number, side: Side, cursor: ChangeCursor): Promise<void> {
    await trx('sync_checkpoint')
      .insert({ mapping_id: mappingId, side, modified_us: cursor.modifiedUs, record_id: cursor.id })
      .onConflict(['mapping_id', 'side'])
      .merge({ modified_us: cursor.modifiedUs, record_id: cursor.id });
  }

  async saveDeletionScan(mappingId: number, side: Side, at: number): Promise<void> {
    await this.knex('sync_checkpoint')
      .insert({ mapping_id: mappingId, side, modified_us: 0, record_id: '', deletion_scan_at: at })
      .onConflict(['mapping_id', 'side'])
      .merge({ deletion_scan_at: at });
  }
}
