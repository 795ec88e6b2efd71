import type { EntityManager } from '@mikro-orm/knex';
import { entityRows, type RowOf } from '../db/entity-rows.js';
import { ApiKeySchema } from '../entities/api-key.entity.js';
import type { Page, PageRequest } from '../paging/keyset-page.js';
import { listPage } from '../paging/list-page.js';

const API_KEYS = entityRows(ApiKeySchema);

/** An API key as a list shows it: its row, plain (the hash included: the API decides what it shows). */
export type ApiKeyRow = RowOf<typeof API_KEYS>;

/** Every API key, revoked ones included, newest first, a page at a time. */
export function listApiKeys(em: EntityManager, page: PageRequest): Promise<Page<ApiKeyRow>> {
  return listPage(em, { list: 'apiKeys', rows: API_KEYS, order: ['id'], page });
}
