import { blankCoupling } from '../engine/coupling-state.js';
import { syncCoupledPairs } from '../engine/sync-coupled.js';
import type { SyncWork } from '../engine/sync-work.js';
import type { Side } from '../entities/enums.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { withMappingLease } from './action-lease.js';
import type { ActionContext } from './action-types.js';
import { openActionWork } from './action-work.js';

export interface CoupleRecordsInput {
  mappingId: number;
  localId: string;
  integrationId: string;
  /** Whose values win where the two records differ; default LOCAL (BC's "couple" pushes the ERP record). */
  winner?: Side;
}

export interface CoupleRecordsResult {
  couplingId: number;
  /** MODIFIED when values were written to make the records equal, UNCHANGED when they already were. */
  outcome: 'MODIFIED' | 'UNCHANGED' | 'FAILED';
  message: string | null;
}

/**
 * Couples two existing records by hand and synchronizes them at once, `winner` taking precedence where
 * they differ (a field only moves the way its direction allows). Refused — with nothing changed — when
 * either record does not exist, or either is already coupled (or pending) in this mapping; a record that
 * was uncoupled on purpose may be coupled again. Checks and writes hold the mapping's lease, so that a job
 * cannot couple or copy either record meanwhile; `MappingBusyError` when a running job keeps it.
 */
export async function coupleRecords(ctx: ActionContext, input: CoupleRecordsInput): Promise<CoupleRecordsResult> {
  const work = await openActionWork(ctx, input.mappingId);
  return withMappingLease(ctx.store, input.mappingId, ctx.lease, () => coupleHolding(ctx, work, input));
}

async function coupleHolding(
  ctx: ActionContext,
  work: SyncWork,
  input: CoupleRecordsInput,
): Promise<CoupleRecordsResult> {
  const [local] = await work.local.getByIds([input.localId]);
  const [integration] = await work.integration.getByIds([input.integrationId]);
  if (!local) throw new InvalidInputError('localId', `local record ${input.localId} does not exist`);
  if (!integration)
    throw new InvalidInputError('integrationId', `integration record ${input.integrationId} does not exist`);

  const existing = [
    ...(await work.couplings.findBySideIds(input.mappingId, 'LOCAL', [input.localId])),
    ...(await work.couplings.findBySideIds(input.mappingId, 'INTEGRATION', [input.integrationId])),
  ];
  const active = existing.find((c) => c.state !== 'UNCOUPLED');
  if (active) {
    const which =
      active.localId === input.localId ? `local record ${input.localId}` : `integration record ${input.integrationId}`;
    throw new InvalidInputError(
      'ids',
      `${which} is already coupled (coupling ${active.id}); remove that coupling first`,
    );
  }
  // Uncoupled rows of these records are retired so that the unique (mapping, record) indexes allow the new one.
  const coupling = await ctx.store.sql.transaction(async (sql) => {
    if (existing.length > 0) await work.couplings.deleteMany(sql, [...new Set(existing.map((c) => c.id))]);
    const [created] = await work.couplings.insertMany(sql, [
      blankCoupling(work, { localId: input.localId, integrationId: input.integrationId }, 'COUPLED'),
    ]);
    return created!;
  });
  const writer = work.newWriter();
  writer.log(
    work.logEntry(coupling, { direction: null, action: 'COUPLE', changes: null, message: `coupled by ${ctx.actor}` }),
  );
  const [result] = await syncCoupledPairs(work, [{ coupling, local, integration }], writer, {
    preferredSide: input.winner ?? 'LOCAL',
    countUnchanged: true,
  });
  await work.commit(writer);
  const outcome = result?.outcome === 'MODIFIED' || result?.outcome === 'UNCHANGED' ? result.outcome : 'FAILED';
  return { couplingId: coupling.id, outcome, message: result?.message ?? null };
}
