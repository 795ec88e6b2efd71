import { Migration } from '@mikro-orm/migrations';

/** API keys may expire: a key past `expires_at` is refused like a revoked one (null: never expires). */
export class Migration20261201000000_api_key_expiry extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table api_key add column expires_at bigint null');
  }
}
