import type { Knex } from '@mikro-orm/knex';
import type { Side } from '../entities/enums.js';
import { CouplingRepository } from '../repositories/coupling.repository.js';
import { BatchWriter } from './batch-writer.js';
import type { ResolvedMapping } from './resolved-mapping.js';
import type { SideTable } from './side-table.js';
import type { EngineSettings, SyncContext } from './sync-context.js';
import { emptyCounters, type SyncRun } from './sync-run.js';

/** Everything one job run shares between its passes: mapping, both sides, counters, repositories. */
export class JobState {
  readonly counters = emptyCounters();
  /** Couplings already synchronized in this job: a second sighting (the other side's change) is skipped. */
  readonly handled = new Set<number>();
  readonly couplings: CouplingRepository;
  /** Who the log names for what this job does. */
  readonly actor = 'job';

  constructor(
    readonly context: SyncContext,
    readonly run: SyncRun,
    readonly mapping: ResolvedMapping,
    readonly local: SideTable,
    readonly integration: SideTable,
    readonly settings: EngineSettings,
    readonly knex: Knex,
  ) {
    this.couplings = new CouplingRepository(knex, context.store.dialect);
  }

  sideTable(side: Side): SideTable {
    return side === 'LOCAL' ? this.local : this.integration;
  }

  newWriter(): BatchWriter {
    return new BatchWriter(this.knex, this.couplings, this.actor);
  }

  /** Writes a batch's store changes and reports progress; announces error changes. */
  async commit(writer: BatchWriter): Promise<void> {
    await writer.flush(this.mapping.id, Date.now());
    if (writer.errorsChanged) this.context.events.publish({ type: 'syncErrorsChanged', mappingId: this.mapping.id });
    this.run.onProgress({ ...this.counters });
  }
}

export function otherSide(side: Side): Side {
  return side === 'LOCAL' ? 'INTEGRATION' : 'LOCAL';
}
