import { Migration } from '@mikro-orm/migrations';

/**
 * An interrupted job names the job that re-ran its mapping. A dispatch that BullMQ delivers twice (its lock
 * lost on a loaded machine) then finds the re-run already done, instead of queueing a second one.
 */
export class Migration20261202000000_job_rerun extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table sync_job add column rerun_job_id bigint null');
  }
}
