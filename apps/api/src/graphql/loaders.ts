import type { EntityManager } from '@mikro-orm/knex';
import { NotFoundError } from '../errors/not-found.error.js';

/**
 * The batch load behind every loadable type: one `where id in (…)` per type per tick, whatever the page
 * size, answered in the order asked for (DataLoader's contract), with a NotFoundError for a missing id.
 */
export async function loadByIds<T extends { id: number }>(
  em: EntityManager,
  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's EntityName generic does not narrow to T here.
  entity: any,
  typename: string,
  ids: readonly number[],
): Promise<(T | Error)[]> {
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  const rows = (await em.find(entity, { id: { $in: [...new Set(ids)] } } as any)) as T[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? new NotFoundError(typename, String(id)));
}
