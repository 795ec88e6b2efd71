import type { ConnectorRegistry, FieldValues, SourceRecord, TableConnector } from '../connectors/connector.js';
import type { FilterCondition } from '../connectors/record-filter.js';
import type { Store } from '../db/orm.js';
import { integrationValueOf, localValueOf } from '../engine/field-sync.js';
import { equalForMatch, matchGroups } from '../engine/match-rules.js';
import { otherSide } from '../engine/side-table.js';
import { pickValues } from '../engine/values.js';
import { type Coupling, CouplingSchema } from '../entities/coupling.entity.js';
import type { CouplingState, Side } from '../entities/enums.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { MappingNotFoundError } from '../errors/mapping-not-found.error.js';
import { TandemError } from '../errors/tandem.error.js';
import type { ResolvedField, ResolvedMapping, ResolvedSide } from '../mappings/resolved-mapping.js';
import { loadResolvedMapping } from '../mappings/table-mapping.repository.js';
import { DEFAULT_READ_TIMEOUT_MS } from './record-reader.js';

/** Candidates a caller may ask for at once, and the default. */
export const MAX_COUPLE_CANDIDATES = 50;
export const DEFAULT_COUPLE_CANDIDATES = 20;
/** The longest text a caller may search for. */
export const MAX_CANDIDATE_SEARCH_LENGTH = 200;

/** The record asked about does not exist in its app (or is outside the mapping's filter on that side). */
export class RecordNotFoundError extends TandemError {
  readonly code = 'RECORD_NOT_FOUND';
  constructor(
    readonly side: Side,
    readonly recordId: string,
    table: string,
  ) {
    super(
      `${side === 'LOCAL' ? 'local' : 'integration'} record ${recordId} does not exist in ${table} (or is outside the mapping's filter)`,
    );
  }
}

/** An app could not be asked: its connector is not configured, it failed, or it did not answer in time. */
export class AppUnavailableError extends TandemError {
  readonly code = 'APP_UNAVAILABLE';
  constructor(
    readonly side: Side,
    reason: string,
  ) {
    super(reason);
  }
}

export interface CandidateSearch {
  /** A mapped field of the other side (its own name there, e.g. `emailaddress1`). */
  field: string;
  /** Text the field must contain, compared without regard to case. */
  value: string;
}

export interface CoupleCandidatesInput {
  mappingId: number;
  /** The side of `recordId`; candidates come from the other side. */
  side: Side;
  recordId: string;
  /** Typed by the user: replaces the match by the match fields with "field contains value". */
  search?: CandidateSearch | null;
  /** At most this many candidates (default 20, at most 50). */
  first?: number | null;
}

/** A coupling as the candidates query names it: enough to tell whether the record may be coupled. */
export interface CandidateCoupling {
  id: number;
  state: CouplingState;
  localId: string | null;
  integrationId: string | null;
}

export interface CoupleCandidate {
  /** The record's id on the other side. */
  id: string;
  /** Its mapped fields (by the other side's field names). */
  values: FieldValues;
  /** Fields (of the other side) whose value equals the record's mapped value. */
  matchedFields: string[];
  /** Its active (COUPLED or PENDING) coupling in this mapping: then it cannot be picked. */
  coupling: CandidateCoupling | null;
}

/** A mapped field pair, named on both sides. */
export interface CandidateField {
  localField: string;
  integrationField: string;
  useForMatch: boolean;
}

export interface CoupleCandidates {
  mappingId: number;
  mappingName: string;
  side: Side;
  recordId: string;
  /** The record's mapped fields now (by its own side's field names). */
  record: FieldValues;
  /** Its active coupling in this mapping, if it has one (then it is not "uncoupled"). */
  recordCoupling: CandidateCoupling | null;
  /** The mapping's enabled fields; `useForMatch` marks the match fields. */
  fields: CandidateField[];
  /** How the candidates were found: by the match fields, or by the typed search. */
  searchedBy: 'MATCH_FIELDS' | 'SEARCH';
  candidates: CoupleCandidate[];
  /** More records met the search than `first`. */
  hasMore: boolean;
}

export interface CoupleCandidatesContext {
  store: Store;
  connectors: ConnectorRegistry;
  /** How long to wait for an app (default 5 s). */
  readTimeoutMs?: number;
}

/**
 * Who a record could be coupled to by hand ("Couple…"): the record read from its app, and records of the
 * other app that are the same entity by the mapping's match fields — found as the engine's match-based
 * coupling finds them (the field's transform applied to the expected value, the field's case sensitivity,
 * all fields of one priority matching, priorities in ascending order) within the other side's filter — or,
 * when the user typed a search, whose chosen mapped field contains that text. Each candidate says whether
 * it is coupled already (then `coupleRecords` would refuse it). Reads both apps; an app that fails or does
 * not answer is an `AppUnavailableError`, a record that is not there a `RecordNotFoundError`.
 */
export async function findCoupleCandidates(
  ctx: CoupleCandidatesContext,
  input: CoupleCandidatesInput,
): Promise<CoupleCandidates> {
  const first = input.first ?? DEFAULT_COUPLE_CANDIDATES;
  if (!Number.isInteger(first) || first < 1 || first > MAX_COUPLE_CANDIDATES) {
    throw new InvalidInputError('first', `must be between 1 and ${MAX_COUPLE_CANDIDATES}`);
  }
  if (input.recordId.length === 0) throw new InvalidInputError('recordId', 'must not be empty');
  const em = ctx.store.em();
  const mapping = await loadResolvedMapping(em, input.mappingId);
  if (!mapping) throw new MappingNotFoundError(input.mappingId);

  const source = input.side;
  const destination = otherSide(source);
  const nameOn = (side: Side, f: ResolvedField) => (side === 'LOCAL' ? f.localField : f.integrationField);
  const search = checkSearch(mapping, destination, input.search);
  const matchFields = mapping.fields.filter((f) => f.useForMatch);
  if (!search && matchFields.length === 0) {
    throw new InvalidInputError(
      'search',
      `mapping "${mapping.name}" has no match fields: search by one of its mapped fields instead`,
    );
  }
  const timeoutMs = ctx.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const sourceFields = mapping.fields.map((f) => nameOn(source, f));
  const destFields = mapping.fields.map((f) => nameOn(destination, f));

  const sourceTable = openTable(ctx, mapping, source);
  const [record] = await ask(source, sourceTable.spec.table, timeoutMs, () =>
    sourceTable.table.getByIds([input.recordId], sourceFields),
  );
  if (!record) throw new RecordNotFoundError(source, input.recordId, sourceTable.spec.table);

  // The value each field of the other side would have if the record flowed there (transforms applied).
  const expected = (f: ResolvedField) =>
    source === 'LOCAL'
      ? integrationValueOf(f, record.values[f.localField] ?? null)
      : localValueOf(f, record.values[f.integrationField] ?? null);

  let found: SourceRecord[];
  let hasMore = false;
  if (search) {
    // "Contains", as the structured filter's LIKE compares (without regard to case, `\` escaping).
    const destTable = openTable(ctx, mapping, destination, [
      { field: search.field, operator: 'LIKE', value: `%${escapeLike(search.value)}%` },
    ]);
    const hits = await ask(destination, destTable.spec.table, timeoutMs, () =>
      destTable.table.readChanges(null, first + 1, destFields),
    );
    hasMore = hits.length > first;
    found = hits.slice(0, first);
  } else {
    const destTable = openTable(ctx, mapping, destination);
    found = [];
    const seen = new Set<string>();
    for (const group of matchGroups(matchFields)) {
      const [lead] = group;
      const value = expected(lead!);
      if (value === null || value === undefined) continue;
      const hits = await ask(destination, destTable.spec.table, timeoutMs, () =>
        destTable.table.findByField(nameOn(destination, lead!), [value], destFields, lead!.caseSensitive),
      );
      for (const hit of hits) {
        if (seen.has(hit.id)) continue;
        if (!group.every((f) => equalForMatch(expected(f), hit.values[nameOn(destination, f)], f.caseSensitive)))
          continue;
        seen.add(hit.id);
        found.push(hit);
      }
    }
    hasMore = found.length > first;
    found = found.slice(0, first);
  }

  const active = await activeCouplings(
    em,
    mapping.id,
    destination,
    found.map((r) => r.id),
  );
  const [own] = await activeCouplings(em, mapping.id, source, [record.id]);
  return {
    mappingId: mapping.id,
    mappingName: mapping.name,
    side: source,
    recordId: record.id,
    record: pickValues(record.values, sourceFields),
    recordCoupling: own ? candidateCoupling(own) : null,
    fields: mapping.fields.map((f) => ({
      localField: f.localField,
      integrationField: f.integrationField,
      useForMatch: f.useForMatch,
    })),
    searchedBy: search ? 'SEARCH' : 'MATCH_FIELDS',
    candidates: found.map((hit) => {
      const coupling = active.find((c) => (destination === 'LOCAL' ? c.localId : c.integrationId) === hit.id);
      return {
        id: hit.id,
        values: pickValues(hit.values, destFields),
        matchedFields: mapping.fields
          .filter((f) => equalForMatch(expected(f), hit.values[nameOn(destination, f)], f.caseSensitive))
          .map((f) => nameOn(destination, f)),
        coupling: coupling ? candidateCoupling(coupling) : null,
      };
    }),
    hasMore,
  };
}

function checkSearch(
  mapping: ResolvedMapping,
  destination: Side,
  search: CandidateSearch | null | undefined,
): CandidateSearch | null {
  if (!search) return null;
  const value = search.value.trim();
  if (value.length === 0) return null;
  if (value.length > MAX_CANDIDATE_SEARCH_LENGTH) {
    throw new InvalidInputError('search.value', `at most ${MAX_CANDIDATE_SEARCH_LENGTH} characters`);
  }
  const names = mapping.fields.map((f) => (destination === 'LOCAL' ? f.localField : f.integrationField));
  if (!names.includes(search.field)) {
    throw new InvalidInputError(
      'search.field',
      `"${search.field}" is not a mapped ${destination === 'LOCAL' ? 'local' : 'integration'} field of mapping "${mapping.name}" (one of: ${names.join(', ')})`,
    );
  }
  return { field: search.field, value };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

interface OpenTable {
  spec: ResolvedSide;
  table: TableConnector;
}

/** A side's table as the engine opens it (its filters apply), plus any extra conditions. */
function openTable(
  ctx: CoupleCandidatesContext,
  mapping: ResolvedMapping,
  side: Side,
  extra: readonly FilterCondition[] = [],
): OpenTable {
  const spec = side === 'LOCAL' ? mapping.local : mapping.integration;
  const connector = ctx.connectors.get(spec.connector);
  if (!connector) throw new AppUnavailableError(side, `connector "${spec.connector}" is not configured`);
  const table = connector.openTable({
    table: spec.table,
    idColumn: spec.idColumn,
    modifiedColumn: spec.modifiedColumn,
    filter: spec.filter,
    conditions: [...spec.conditions, ...extra],
  });
  return { spec, table };
}

/** One call to an app, bounded in time; any failure becomes an AppUnavailableError naming the table. */
async function ask<T>(side: Side, table: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call(), timeout]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppUnavailableError(side, `${table} could not be read: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}

async function activeCouplings(
  em: ReturnType<Store['em']>,
  mappingId: number,
  side: Side,
  ids: readonly string[],
): Promise<Coupling[]> {
  if (ids.length === 0) return [];
  const column = side === 'LOCAL' ? 'localId' : 'integrationId';
  return em.find(CouplingSchema, { mappingId, [column]: { $in: [...ids] }, state: { $ne: 'UNCOUPLED' } });
}

function candidateCoupling(coupling: Coupling): CandidateCoupling {
  return {
    id: coupling.id,
    state: coupling.state,
    localId: coupling.localId ?? null,
    integrationId: coupling.integrationId ?? null,
  };
}
