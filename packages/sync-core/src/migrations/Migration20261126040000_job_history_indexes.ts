import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the console's job views: a job's log newest first (`job_id, id`: PostgreSQL would otherwise
 * sort every entry of a large job for one page) and finished jobs over time (the outcomes chart).
 */
export class Migration20261126040000_job_history_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index sync_log_job_idx');
    this.addSql('create index sync_log_job_idx on sync_log_entry (job_id, id)');
    this.addSql('create index sync_job_finished_idx on sync_job (finished_at)');
  }
}
