import { type Store, TableMappingSchema } from '@tandem/sync-core';

/**
 * Mapping id → name, for metric labels: an operator's dashboards and alerts name mappings as the config
 * file does (`mapping="customers"`), while events and rows carry ids. Read whole (a handful of rows),
 * again on every scrape of the store's gauges and whenever an unknown id turns up; a mapping that is
 * gone is labelled by its id.
 */
export class MappingNames {
  private names = new Map<number, string>();

  constructor(private readonly store: Store) {}

  /** Every mapping, read now. */
  async refresh(): Promise<Map<number, string>> {
    const rows = await this.store.em().find(TableMappingSchema, {}, { fields: ['id', 'name'] });
    this.names = new Map(rows.map((row) => [row.id, row.name]));
    return this.names;
  }

  /** The name of one mapping, re-reading the table once when the id is new. */
  async nameOf(mappingId: number): Promise<string> {
    if (!this.names.has(mappingId)) await this.refresh();
    return this.names.get(mappingId) ?? String(mappingId);
  }
}
