import { Migration } from '@mikro-orm/migrations';

/** Errors remember their message pattern, so that open errors group by cause in one indexed query. */
export class Migration20261126030000_error_message_pattern extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table sync_error add column message_pattern varchar(500) null');
    this.addSql('create index sync_error_pattern_idx on sync_error (status, mapping_id, kind, message_pattern)');
  }
}
