import { Migration } from '@mikro-orm/migrations';

/**
 * PostgreSQL: leave a fifth of each coupling page free. Every job rewrites the sync state of the couplings
 * it touched (values, modified-on, last synced); with free room on the row's own page and no indexed
 * column changed, PostgreSQL writes the new row version there (a HOT update) instead of adding an entry
 * to each of the table's four indexes. Applies to pages written from now on (a VACUUM FULL or a restore
 * repacks old ones). SQLite updates rows in place: nothing to do there.
 */
export class Migration20261126060000_coupling_fillfactor extends Migration {
  override async up(): Promise<void> {
    if (this.getKnex().client.dialect !== 'postgresql') return;
    this.addSql('alter table coupling set (fillfactor = 80)');
  }
}
