import { Migration } from '@mikro-orm/migrations';

/** API keys for the GraphQL API: hashed secrets with a role. */
export class Migration20261126010000_api_keys extends Migration {
  override async up(): Promise<void> {
    const schema = this.getKnex().schema.createTable('api_key', (t) => {
      t.increments('id').primary();
      t.string('name').notNullable();
      t.string('role').notNullable();
      t.string('key_hash').notNullable().unique();
      t.string('prefix').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('last_used_at').nullable();
      t.bigInteger('revoked_at').nullable();
    });
    for (const statement of schema.toSQL() as unknown as Array<{ sql: string }>) this.addSql(statement.sql);
  }
}
