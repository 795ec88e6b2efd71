import { Migration } from '@mikro-orm/migrations';

/**
 * A partial index over the few couplings a job must revisit although their records did not change
 * (released for retry, failed once, PENDING an insert), so that finding them costs the same on a
 * million couplings as on a hundred. The predicate is repeated word for word by
 * `CouplingRepository.findNeedingAttention`: SQLite uses a partial index only for a query that says so.
 */
export class Migration20261126020000_coupling_attention_index extends Migration {
  override async up(): Promise<void> {
    const postgres = this.getKnex().client.dialect === 'postgresql';
    const predicate = postgres ? ATTENTION_PREDICATE_POSTGRES : ATTENTION_PREDICATE_SQLITE;
    this.addSql(`create index coupling_attention_idx on coupling (mapping_id, id) where ${predicate}`);
  }
}

export const ATTENTION_PREDICATE_SQLITE = "(retry_requested = 1 or failure_count > 0 or state = 'PENDING')";
export const ATTENTION_PREDICATE_POSTGRES = "(retry_requested or failure_count > 0 or state = 'PENDING')";
