import type { FieldValues, SourceRecord, WriteResult } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import { flowsToIntegration, flowsToLocal, type ResolvedField } from '../mappings/resolved-mapping.js';
import type { CouplingRow, NewCoupling } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import { blankCoupling, syncedState } from './coupling-state.js';
import { integrationValueOf, localValueOf } from './field-sync.js';
import { equalForMatch, matchGroups } from './match-rules.js';
import { valuesForNewRecord } from './record-values.js';
import { otherSide } from './side-table.js';
import { syncCoupledPairs } from './sync-coupled.js';
import type { SyncWork } from './sync-work.js';
import { recordWriteFailure } from './write-failure.js';

/**
 * Records without a (complete) coupling, read on `source` (DESIGN.md rule 3): couple each to an existing
 * record on the other side — found by the external key, then by the match fields in priority order —
 * or insert it there and couple the new record. Inserts are idempotent: with an external key a re-run
 * finds the earlier copy; without one, a PENDING coupling is committed before the insert and reconciled
 * by its values if the process died in between.
 *
 * `pending` holds PENDING couplings (from an interrupted or failed insert) of some of these records.
 */
export async function syncUncoupledRecords(
  work: SyncWork,
  source: Side,
  records: readonly SourceRecord[],
  writer: BatchWriter,
  pending: ReadonlyMap<string, CouplingRow> = new Map(),
): Promise<void> {
  const mapping = work.mapping;
  const canFlow = source === 'LOCAL' ? flowsToIntegration(mapping.direction) : flowsToLocal(mapping.direction);
  if (!canFlow || records.length === 0) return;
  if (mapping.syncOnlyCoupledRecords && pending.size === 0) return;

  const matches = await findCounterparts(work, source, records, pending);
  const unmatched = records.filter((record) => !matches.has(record.id));
  await coupleMatches(work, source, records, matches, pending, writer);

  if (!mapping.createNewIfNoMatch) {
    writer.report.outcome('SKIPPED', unmatched.length);
    return;
  }
  await insertCounterparts(work, source, unmatched, pending, writer);
}

/** Finds, for each source record, an uncoupled record on the other side that is the same entity. */
async function findCounterparts(
  work: SyncWork,
  source: Side,
  records: readonly SourceRecord[],
  pending: ReadonlyMap<string, CouplingRow>,
): Promise<Map<string, SourceRecord>> {
  const mapping = work.mapping;
  const destination = otherSide(source);
  const destTable = work.sideTable(destination);
  const found = new Map<string, SourceRecord>();
  const taken = new Set<string>();
  const claim = async (candidates: Map<string, SourceRecord[]>) => {
    const destIds = [...new Set([...candidates.values()].flat().map((r) => r.id))].filter((id) => !taken.has(id));
    // A record with any coupling row — coupled, or uncoupled on purpose — is not available to match.
    const coupled = new Set(
      (await work.findCouplings(destination, destIds)).map((c) =>
        destination === 'LOCAL' ? c.localId : c.integrationId,
      ),
    );
    for (const [sourceId, options] of candidates) {
      if (found.has(sourceId)) continue;
      const match = options.find((candidate) => !taken.has(candidate.id) && !coupled.has(candidate.id));
      if (match) {
        found.set(sourceId, match);
        taken.add(match.id);
      }
    }
  };

  // 1. The external key: the integration record that already carries this local id is our own copy.
  const externalKey = mapping.integration.externalKey;
  if (destination === 'INTEGRATION' && externalKey) {
    const hits = await destTable.findByField(
      externalKey,
      records.map((r) => r.id),
      true,
    );
    const byKey = new Map<string, SourceRecord[]>();
    for (const hit of hits) {
      const key = String(hit.values[externalKey]);
      byKey.set(key, [...(byKey.get(key) ?? []), hit]);
    }
    await claim(byKey);
  }

  // 2. Match fields, in ascending priority; all fields of one priority must match.
  const groups = matchGroups(mapping.fields);
  for (const group of groups) {
    const open = records.filter((r) => !found.has(r.id));
    if (open.length === 0) break;
    await claim(await candidatesByFields(work, source, open, group));
  }

  // 3. An insert interrupted before its coupling was completed: look for a record with its exact values.
  const unreconciled = records.filter((r) => !found.has(r.id) && pending.has(r.id));
  if (unreconciled.length > 0 && !(destination === 'INTEGRATION' && externalKey)) {
    const flowing = mapping.fields.filter((f) => (source === 'LOCAL' ? flowsToIntegration : flowsToLocal)(f.direction));
    if (flowing.length > 0) {
      await claim(
        await candidatesByFields(
          work,
          source,
          unreconciled,
          flowing.map((f) => ({ ...f, caseSensitive: true })),
        ),
      );
    }
  }
  return found;
}

/** Destination records whose values of all `fields` equal the source record's (per source id). */
async function candidatesByFields(
  work: SyncWork,
  source: Side,
  records: readonly SourceRecord[],
  fields: readonly ResolvedField[],
): Promise<Map<string, SourceRecord[]>> {
  const destination = otherSide(source);
  const destName = (f: ResolvedField) => (destination === 'LOCAL' ? f.localField : f.integrationField);
  const expected = (f: ResolvedField, record: SourceRecord) =>
    source === 'LOCAL'
      ? integrationValueOf(f, record.values[f.localField] ?? null)
      : localValueOf(f, record.values[f.integrationField] ?? null);
  const [first] = fields;
  const candidates = new Map<string, SourceRecord[]>();
  if (!first) return candidates;
  const searchable = records.filter((record) => expected(first, record) !== null);
  const hits = await work.sideTable(destination).findByField(
    destName(first),
    searchable.map((r) => expected(first, r)),
    first.caseSensitive,
  );
  for (const record of searchable) {
    const options = hits.filter((hit) =>
      fields.every((f) => equalForMatch(expected(f, record), hit.values[destName(f)], f.caseSensitive)),
    );
    if (options.length > 0) candidates.set(record.id, options);
  }
  return candidates;
}

/** Couples matched pairs, then syncs them as fresh couplings (the source record wins where it can flow). */
async function coupleMatches(
  work: SyncWork,
  source: Side,
  records: readonly SourceRecord[],
  matches: ReadonlyMap<string, SourceRecord>,
  pending: ReadonlyMap<string, CouplingRow>,
  writer: BatchWriter,
): Promise<void> {
  if (matches.size === 0) return;
  const bySource = new Map(records.map((r) => [r.id, r]));
  const fresh: NewCoupling[] = [];
  const completed: CouplingRow[] = [];
  for (const [sourceId, counterpart] of matches) {
    const localId = source === 'LOCAL' ? sourceId : counterpart.id;
    const integrationId = source === 'LOCAL' ? counterpart.id : sourceId;
    const base = blankCoupling(work, { localId, integrationId }, 'COUPLED');
    const existing = pending.get(sourceId);
    if (existing)
      completed.push({
        ...existing,
        ...base,
        failureCount: existing.failureCount,
        lastFailure: existing.lastFailure,
        createdAt: existing.createdAt,
      });
    else fresh.push(base);
  }
  const couplings = await work.sql.transaction(async (trx) => {
    if (completed.length > 0) await work.couplings.updateMany(trx, completed, { identity: true });
    return [...completed, ...(await work.couplings.insertMany(trx, fresh))];
  });
  const pairs = couplings.map((coupling) => {
    const sourceId = (source === 'LOCAL' ? coupling.localId : coupling.integrationId)!;
    const record = bySource.get(sourceId)!;
    const counterpart = matches.get(sourceId)!;
    return {
      coupling,
      local: source === 'LOCAL' ? record : counterpart,
      integration: source === 'LOCAL' ? counterpart : record,
    };
  });
  for (const { coupling } of pairs) {
    writer.log(
      work.logEntry(coupling, {
        direction: null,
        action: 'COUPLE',
        changes: null,
        message: 'coupled to an existing record with matching values',
      }),
    );
  }
  writer.report.outcome('COUPLED', pairs.length);
  await syncCoupledPairs(work, pairs, writer, { preferredSide: source });
}

/** Inserts the unmatched records on the other side and couples them. */
async function insertCounterparts(
  work: SyncWork,
  source: Side,
  records: readonly SourceRecord[],
  pending: ReadonlyMap<string, CouplingRow>,
  writer: BatchWriter,
): Promise<void> {
  if (records.length === 0) return;
  const mapping = work.mapping;
  const destination = otherSide(source);
  const newCoupling = (record: SourceRecord): NewCoupling =>
    blankCoupling(
      work,
      { localId: source === 'LOCAL' ? record.id : null, integrationId: source === 'LOCAL' ? null : record.id },
      'PENDING',
    );

  // Without an external key there is no other way to recognise our own insert after a crash, so the
  // PENDING coupling is committed before the insert.
  const pendingFirst = destination === 'LOCAL' || !mapping.integration.externalKey;
  const couplingOf = new Map<string, CouplingRow>(pending);
  if (pendingFirst) {
    const missing = records.filter((r) => !couplingOf.has(r.id)).map(newCoupling);
    if (missing.length > 0) {
      const created = await work.sql.transaction((trx) => work.couplings.insertMany(trx, missing));
      for (const coupling of created) couplingOf.set((coupling.localId ?? coupling.integrationId)!, coupling);
    }
  }

  const rows: FieldValues[] = [];
  const inserting: SourceRecord[] = [];
  const rejected: Array<{ record: SourceRecord; message: string }> = [];
  for (const record of records) {
    try {
      rows.push(valuesForNewRecord(mapping, destination, record));
      inserting.push(record);
    } catch (error) {
      rejected.push({ record, message: `transform failed: ${(error as Error).message}` });
    }
  }
  // The previous batch's store changes are written while the app inserts this batch (SyncWork.commitLater).
  const results = await work.whileAppWrites(work.sideTable(destination).insert(rows));

  const succeeded: Array<{ record: SourceRecord; values: FieldValues; result: Extract<WriteResult, { ok: true }> }> =
    [];
  inserting.forEach((record, index) => {
    const result = results[index];
    if (result?.ok) writer.report.wrote(destination, result);
    if (result?.ok) succeeded.push({ record, values: rows[index]!, result });
    else rejected.push({ record, message: result?.message ?? 'insert failed' });
  });

  // Couple the inserted records: complete PENDING couplings, or create couplings (external-key path).
  const toUpdate: CouplingRow[] = [];
  const toCreate: NewCoupling[] = [];
  for (const { record, values, result } of succeeded) {
    const inserted = { id: result.id, modifiedUs: result.modifiedUs, values };
    const coupled = source === 'LOCAL' ? syncedState(work, record, inserted) : syncedState(work, inserted, record);
    const existing = couplingOf.get(record.id);
    if (existing) toUpdate.push({ ...existing, ...coupled });
    else toCreate.push({ ...newCoupling(record), ...coupled });
  }
  const failedWithoutCoupling = rejected.filter(({ record }) => !couplingOf.has(record.id));
  for (const coupling of toUpdate) writer.updateCoupling(coupling, { identity: true });
  // New couplings are inserted by the batch's own transaction, together with their log entries.
  writer.createCouplings(
    [...toCreate, ...failedWithoutCoupling.map(({ record }) => newCoupling(record))],
    (created) => {
      for (const coupling of [...toUpdate, ...created]) {
        couplingOf.set((source === 'LOCAL' ? coupling.localId : coupling.integrationId)!, coupling);
      }
      for (const { record, values } of succeeded) {
        const coupling = couplingOf.get(record.id)!;
        if (pending.has(record.id)) writer.resolveError(coupling.id, 'SYNCED');
        writer.log(
          work.logEntry(coupling, {
            direction: destination === 'INTEGRATION' ? 'TO_INTEGRATION' : 'FROM_INTEGRATION',
            action: 'INSERT',
            changes: Object.entries(values).map(([field, after]) => ({
              side: destination,
              field,
              before: null,
              after,
            })),
            message: null,
          }),
        );
      }
      for (const { record, message } of rejected) {
        const result = results[inserting.indexOf(record)];
        const detail = result && !result.ok ? (result.detail ?? null) : null;
        recordWriteFailure(work, writer, couplingOf.get(record.id)!, message, detail);
      }
    },
  );
  writer.report.outcome('INSERTED', succeeded.length);
}
