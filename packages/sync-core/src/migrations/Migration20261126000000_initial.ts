import type { Knex } from '@mikro-orm/knex';
import { Migration } from '@mikro-orm/migrations';

/**
 * The initial schema, written with knex's schema builder so that one migration history serves SQLite and
 * PostgreSQL alike. Timestamps are epoch milliseconds (`bigint`), record modified-on values epoch
 * microseconds: integers compare the same way on both databases and in raw SQL.
 */
export class Migration20261126000000_initial extends Migration {
  override async up(): Promise<void> {
    const knex = this.getKnex();
    const schema = knex.schema
      .createTable('table_mapping', (t) => {
        t.increments('id').primary();
        t.string('name').notNullable().unique();
        t.string('local_connector').notNullable();
        t.string('local_table').notNullable();
        t.string('local_id_column').notNullable();
        t.string('local_modified_column').notNullable();
        t.text('local_filter').nullable();
        t.string('integration_connector').notNullable();
        t.string('integration_table').notNullable();
        t.string('integration_id_column').notNullable();
        t.string('integration_modified_column').notNullable();
        t.string('integration_external_key').nullable();
        t.text('integration_filter').nullable();
        t.string('direction').notNullable();
        t.boolean('sync_only_coupled_records').notNullable().defaultTo(false);
        t.boolean('create_new_if_no_match').notNullable().defaultTo(true);
        t.string('update_conflict_resolution').notNullable().defaultTo('NONE');
        t.string('deletion_conflict_resolution').notNullable().defaultTo('NONE');
        t.integer('schedule_seconds').notNullable().defaultTo(0);
        t.boolean('enabled').notNullable().defaultTo(true);
        t.integer('park_after_failures').notNullable().defaultTo(2);
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
      })
      .createTable('field_mapping', (t) => {
        t.increments('id').primary();
        t.integer('mapping_id').notNullable().index('field_mapping_mapping_id_index');
        t.integer('position').notNullable();
        t.string('local_field').notNullable();
        t.string('integration_field').notNullable();
        t.string('direction').nullable();
        t.text('constant_value').nullable();
        t.string('transform').nullable();
        t.boolean('enabled').notNullable().defaultTo(true);
        t.boolean('use_for_match').notNullable().defaultTo(false);
        t.integer('match_priority').notNullable().defaultTo(0);
        t.boolean('case_sensitive').notNullable().defaultTo(false);
        t.boolean('clear_value_on_failed_sync').notNullable().defaultTo(false);
      })
      .createTable('coupling', (t) => {
        t.bigIncrements('id').primary();
        t.integer('mapping_id').notNullable();
        t.string('local_id').nullable();
        t.string('integration_id').nullable();
        t.string('state').notNullable().defaultTo('COUPLED');
        t.bigInteger('local_modified_us').nullable();
        t.bigInteger('integration_modified_us').nullable();
        t.text('local_values').nullable();
        t.text('integration_values').nullable();
        t.boolean('parked').notNullable().defaultTo(false);
        t.integer('failure_count').notNullable().defaultTo(0);
        t.text('last_failure').nullable();
        t.boolean('retry_requested').notNullable().defaultTo(false);
        t.bigInteger('last_synced_at').nullable();
        t.bigInteger('last_job_id').nullable();
        t.bigInteger('created_at').notNullable();
        t.unique(['mapping_id', 'local_id'], { indexName: 'coupling_mapping_local_unique' });
        t.unique(['mapping_id', 'integration_id'], { indexName: 'coupling_mapping_integration_unique' });
      })
      .createTable('sync_job', (t) => {
        t.bigIncrements('id').primary();
        t.integer('mapping_id').notNullable();
        t.string('status').notNullable();
        t.string('trigger').notNullable();
        t.boolean('full').notNullable().defaultTo(false);
        t.text('scope').nullable();
        t.string('requested_by').nullable();
        t.bigInteger('queued_at').notNullable();
        t.bigInteger('started_at').nullable();
        t.bigInteger('finished_at').nullable();
        for (const counter of COUNTERS) t.integer(counter).notNullable().defaultTo(0);
        t.integer('processed').notNullable().defaultTo(0);
        t.text('message').nullable();
        t.boolean('cancel_requested').notNullable().defaultTo(false);
        t.string('worker_id').nullable();
        t.index(['mapping_id', 'queued_at'], 'sync_job_mapping_queued_idx');
        t.index(['status'], 'sync_job_status_idx');
      })
      .createTable('sync_error', (t) => {
        t.bigIncrements('id').primary();
        t.integer('mapping_id').notNullable();
        t.bigInteger('coupling_id').nullable();
        t.bigInteger('job_id').nullable();
        t.string('kind').notNullable();
        t.string('status').notNullable();
        t.text('message').notNullable();
        t.text('detail').nullable();
        t.string('local_id').nullable();
        t.string('integration_id').nullable();
        t.text('fields').nullable();
        t.bigInteger('occurred_at').notNullable();
        t.bigInteger('resolved_at').nullable();
        t.string('resolved_by').nullable();
        t.string('resolution').nullable();
        t.index(['status', 'mapping_id', 'kind', 'occurred_at'], 'sync_error_status_mapping_kind_idx');
        t.index(['coupling_id'], 'sync_error_coupling_idx');
        t.index(['job_id'], 'sync_error_job_idx');
        t.index(['occurred_at'], 'sync_error_occurred_idx');
      })
      .createTable('sync_log_entry', (t) => {
        t.bigIncrements('id').primary();
        t.integer('mapping_id').notNullable();
        t.bigInteger('coupling_id').nullable();
        t.bigInteger('job_id').nullable();
        t.string('local_id').nullable();
        t.string('integration_id').nullable();
        t.bigInteger('occurred_at').notNullable();
        t.string('direction').nullable();
        t.string('action').notNullable();
        t.text('changes').nullable();
        t.text('message').nullable();
        t.string('actor').notNullable();
        t.index(['mapping_id', 'local_id', 'id'], 'sync_log_local_idx');
        t.index(['mapping_id', 'integration_id', 'id'], 'sync_log_integration_idx');
        t.index(['job_id'], 'sync_log_job_idx');
        t.index(['occurred_at'], 'sync_log_occurred_idx');
      })
      .createTable('sync_checkpoint', (t) => {
        t.integer('mapping_id').notNullable();
        t.string('side').notNullable();
        t.bigInteger('modified_us').notNullable();
        t.string('record_id').notNullable();
        t.bigInteger('deletion_scan_at').nullable();
        t.primary(['mapping_id', 'side']);
      })
      .createTable('mapping_lease', (t) => {
        t.integer('mapping_id').notNullable().primary();
        t.string('owner').notNullable();
        t.bigInteger('job_id').nullable();
        t.bigInteger('acquired_at').notNullable();
        t.bigInteger('expires_at').notNullable();
      });
    addStatements(this, schema);
    // At most one OPEN error per coupling: a record that fails again updates its error instead of adding one.
    this.addSql("create unique index sync_error_open_per_coupling on sync_error (coupling_id) where status = 'OPEN'");
  }
}

const COUNTERS = ['inserted', 'modified', 'deleted', 'unchanged', 'skipped', 'failed', 'coupled', 'uncoupled'];

/** knex renders a schema chain as several statements; the migrator runs one statement per query. */
function addStatements(migration: Migration, schema: Knex.SchemaBuilder): void {
  const compiled = schema.toSQL() as unknown as Array<{ sql: string }>;
  for (const statement of compiled) migration.addSql(statement.sql);
}
