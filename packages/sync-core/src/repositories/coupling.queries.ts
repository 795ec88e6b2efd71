import type { EntityManager } from '@mikro-orm/knex';
import { entityRows, type RowOf } from '../db/entity-rows.js';
import { CouplingSchema } from '../entities/coupling.entity.js';
import type { Page, PageRequest } from '../paging/keyset-page.js';
import { listPage } from '../paging/list-page.js';

const COUPLINGS = entityRows(CouplingSchema);

/** A coupling as a list shows it: its row, plain (the value snapshots as the JSON they are stored as). */
export type CouplingListRow = RowOf<typeof COUPLINGS>;

export interface CouplingList extends PageRequest {
  mappingId?: number | null;
  /** Only parked couplings (true) or only the others (false); absent: both. */
  parked?: boolean | null;
}

/** Couplings, newest first, a page at a time. */
export function listCouplings(em: EntityManager, list: CouplingList): Promise<Page<CouplingListRow>> {
  return listPage(em, {
    list: 'couplings',
    rows: COUPLINGS,
    order: ['id'],
    where: (query) => {
      if (list.mappingId != null) query.where(COUPLINGS.column.mappingId, list.mappingId);
      if (list.parked != null) query.where(COUPLINGS.column.parked, list.parked);
    },
    page: list,
  });
}
