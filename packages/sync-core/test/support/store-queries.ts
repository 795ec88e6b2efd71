import type { Store } from '../../src/db/orm.js';
import { CouplingSchema, SyncErrorSchema, SyncLogEntrySchema } from '../../src/entities/index.js';

/** Reads of Tandem's store that engine tests assert on. */
export async function couplingsOf(store: Store, mappingId: number) {
  return store.em().find(CouplingSchema, { mappingId }, { orderBy: { id: 'asc' } });
}

export async function errorsOf(store: Store, mappingId: number, status?: 'OPEN' | 'RESOLVED') {
  return store.em().find(SyncErrorSchema, { mappingId, ...(status ? { status } : {}) }, { orderBy: { id: 'asc' } });
}

export async function logOf(store: Store, mappingId: number) {
  return store.em().find(SyncLogEntrySchema, { mappingId }, { orderBy: { id: 'asc' } });
}
