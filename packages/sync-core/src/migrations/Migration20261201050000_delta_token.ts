import { Migration } from '@mikro-orm/migrations';

/**
 * A side read through its app's change tracking (a Dataverse table with change tracking enabled) resumes
 * from a delta link, not from a (modified-on, id) cursor: the checkpoint keeps it beside the cursor.
 */
export class Migration20261201050000_delta_token extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table sync_checkpoint add column delta_token text null');
  }
}
