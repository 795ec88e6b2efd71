import { Migration } from '@mikro-orm/migrations';

/**
 * Retention finds old log entries by id (ids grow with time; see retention.action.ts), so the index on
 * `occurred_at` goes: one index less for every entry a job appends.
 */
export class Migration20261126050000_log_retention_by_id extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index sync_log_occurred_idx');
  }
}
