import { Migration } from '@mikro-orm/migrations';

/**
 * Each side of a mapping keeps a structured filter (JSON of its conditions) beside the raw SQL one, so
 * that the API can change which records take part without ever handling SQL.
 */
export class Migration20261201010000_structured_filters extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table table_mapping add column local_filters text null');
    this.addSql('alter table table_mapping add column integration_filters text null');
  }
}
