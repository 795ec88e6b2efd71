import { Migration } from '@mikro-orm/migrations';

/** Alerts (docs/ALERTS.md): rules, their state per mapping, the outbox of notifications and its attempts. */
export class Migration20261201030000_alerts extends Migration {
  override async up(): Promise<void> {
    const schema = this.getKnex()
      .schema.createTable('alert_rule', (t) => {
        t.increments('id').primary();
        t.string('name').notNullable().unique();
        t.integer('mapping_id').nullable();
        t.string('condition').notNullable();
        t.integer('threshold').nullable();
        t.text('kinds').nullable();
        t.bigInteger('stalled_after_ms').nullable();
        t.text('channels').notNullable();
        t.boolean('enabled').notNullable().defaultTo(true);
        t.string('source').notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
      })
      .createTable('alert_state', (t) => {
        t.bigIncrements('id').primary();
        t.integer('rule_id').notNullable();
        t.integer('mapping_id').notNullable();
        t.string('status').notNullable();
        t.bigInteger('changed_at').notNullable();
        t.text('message').notNullable();
        t.bigInteger('job_id').nullable();
        t.unique(['rule_id', 'mapping_id'], { indexName: 'alert_state_rule_mapping_unique' });
      })
      .createTable('alert_delivery', (t) => {
        t.bigIncrements('id').primary();
        t.integer('rule_id').notNullable();
        t.integer('mapping_id').nullable();
        t.string('event').notNullable();
        t.string('channel').notNullable();
        t.string('message_id').notNullable().unique();
        t.text('payload').notNullable();
        t.string('status').notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.bigInteger('created_at').notNullable();
        t.bigInteger('window_started_at').notNullable();
        t.bigInteger('next_attempt_at').notNullable();
        t.bigInteger('claimed_until').nullable();
        t.string('claimed_by').nullable();
        t.bigInteger('delivered_at').nullable();
        t.integer('last_status_code').nullable();
        t.text('last_error').nullable();
        t.index(['status', 'next_attempt_at'], 'alert_delivery_due_idx');
        t.index(['rule_id', 'id'], 'alert_delivery_rule_idx');
      })
      .createTable('alert_delivery_attempt', (t) => {
        t.bigIncrements('id').primary();
        t.bigInteger('delivery_id').notNullable();
        t.bigInteger('attempted_at').notNullable();
        t.integer('duration_ms').notNullable();
        t.boolean('succeeded').notNullable();
        t.integer('status_code').nullable();
        t.text('error').nullable();
        t.index(['delivery_id', 'id'], 'alert_delivery_attempt_delivery_idx');
      });
    for (const statement of schema.toSQL() as unknown as Array<{ sql: string }>) this.addSql(statement.sql);
  }
}
