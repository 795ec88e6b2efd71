import { randomUUID } from 'node:crypto';
import type { FieldValues, UpdateRow, WriteResult } from '../connector.js';
import { type BatchRequest, type BatchResponse, readBatchResponse, writeChangeSetBatch } from './batch-body.js';
import { ColumnValueError, modifiedUsOf, toPayload } from './dataverse-record.js';
import type { EntityMetadata } from './entity-metadata.js';
import { alternateKeySegment, idSegment, ODataValueError } from './odata-query.js';
import { parseRetryAfter, type WaitBudget } from './request-pacer.js';
import { DataverseRequestError, type DataverseWebApi, errorOf, parseBody } from './web-api.js';

/** What the writer needs of its table: the Web API, metadata, the budget, and the ETags this job read. */
export interface WriterContext {
  api: DataverseWebApi;
  budget: WaitBudget;
  entitySet: string;
  modifiedColumn: string;
  batchSize: number;
  metadata(): Promise<EntityMetadata>;
  /** The ETag each record had when this job read it (for `If-Match`), and the place to keep new ones. */
  etags: Map<string, string>;
}

/** A part of a batch that failed alone and is worth sending again (429 or 5xx inside a batch answer). */
const TRANSIENT_PART = new Set([429, 500, 502, 503, 504]);
const MAX_PART_ROUNDS = 5;

/** One row's request and how to read its answer. */
interface PlannedWrite {
  index: number;
  request: BatchRequest;
  settle(response: BatchResponse): Promise<WriteResult> | WriteResult;
}

/**
 * The writing half of the Dataverse table connector. Every call goes out as `$batch` requests of at most
 * `batchSize` rows, each batch one change set sent with `Prefer: odata.continue-on-error`; every row gets
 * its own result, a refused one carrying Dataverse's error code and message.
 * - insert: an upsert with `If-None-Match: *` (create only) on the record's alternate key when the row
 *   has values for one, else on a GUID the connector makes; a 412 means the record is there already (a
 *   re-run after a crash): it is read and returned, never created twice.
 * - update: `PATCH` with `If-Match` on the ETag this job read (`*` when it read none, so that a deleted
 *   record is never re-created by an upsert); a 412 means someone changed it meanwhile — the row fails
 *   and the next job reads the record again and lets the field rules decide.
 * - delete: a missing record counts as deleted.
 */
export class DataverseWriter {
  constructor(private readonly context: WriterContext) {}

  async insert(rows: readonly FieldValues[]): Promise<WriteResult[]> {
    const metadata = await this.context.metadata();
    const results: WriteResult[] = new Array(rows.length);
    const planned: PlannedWrite[] = [];
    rows.forEach((values, index) => {
      const refused = this.refusal(metadata, values);
      if (refused) {
        results[index] = refused;
        return;
      }
      try {
        planned.push(this.planInsert(metadata, values, index));
      } catch (error) {
        results[index] = valueFailure(error);
      }
    });
    await this.execute(planned, results);
    return results;
  }

  async update(rows: readonly UpdateRow[]): Promise<WriteResult[]> {
    const metadata = await this.context.metadata();
    const results: WriteResult[] = new Array(rows.length);
    const planned: PlannedWrite[] = [];
    rows.forEach((row, index) => {
      const refused = this.refusal(metadata, row.values);
      if (refused) {
        results[index] = refused;
        return;
      }
      try {
        planned.push(this.planUpdate(metadata, row, index));
      } catch (error) {
        results[index] = valueFailure(error);
      }
    });
    // The same record twice in one call: the second must follow the first, so it goes in a later round.
    const seen = new Set<string>();
    const first: PlannedWrite[] = [];
    const later: PlannedWrite[] = [];
    for (const write of planned) {
      const id = rows[write.index]!.id;
      (seen.has(id) ? later : first).push(write);
      seen.add(id);
    }
    await this.execute(first, results);
    for (const write of later) {
      // Re-planned now, with the ETag the first write returned.
      const fresh = this.planUpdate(metadata, rows[write.index]!, write.index);
      await this.execute([fresh], results);
    }
    return results;
  }

  async delete(ids: readonly string[]): Promise<WriteResult[]> {
    const metadata = await this.context.metadata();
    const idKind = metadata.columns.get(metadata.primaryId)?.kind ?? 'guid';
    const results: WriteResult[] = new Array(ids.length);
    const planned: PlannedWrite[] = [];
    ids.forEach((id, index) => {
      let segment: string;
      try {
        segment = idSegment(metadata.primaryId, idKind, id);
      } catch {
        // An id that cannot be a key of this table names no record: nothing to delete.
        results[index] = { ok: true, id, modifiedUs: 0 };
        return;
      }
      planned.push({
        index,
        request: { method: 'DELETE', url: `${this.context.entitySet}${segment}` },
        settle: (response) => {
          if (response.status < 300 || response.status === 404) {
            this.context.etags.delete(id);
            return { ok: true, id, modifiedUs: 0 };
          }
          return partFailure(response);
        },
      });
    });
    await this.execute(planned, results);
    return results;
  }

  /** Columns the entity lacks fail the row before anything is sent. */
  private refusal(metadata: EntityMetadata, values: FieldValues): WriteResult | null {
    const unknown = Object.keys(values).filter((name) => values[name] !== undefined && !metadata.columns.has(name));
    if (unknown.length === 0) return null;
    return {
      ok: false,
      message: `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} in entity set "${this.context.entitySet}"`,
    };
  }

  /** Columns the connector sets itself or that Dataverse owns: never sent. */
  private systemColumns(metadata: EntityMetadata): Set<string> {
    return new Set([metadata.primaryId, this.context.modifiedColumn, 'versionnumber', 'createdon']);
  }

  private planInsert(metadata: EntityMetadata, values: FieldValues, index: number): PlannedWrite {
    const { entitySet } = this.context;
    const payload = toPayload(metadata, values, this.systemColumns(metadata));
    const idKind = metadata.columns.get(metadata.primaryId)?.kind ?? 'guid';
    const givenId = values[metadata.primaryId];
    const key = metadata.alternateKeys.find((columns) =>
      columns.every((column) => payload[column] !== null && payload[column] !== undefined),
    );
    let segment: string;
    if (givenId !== null && givenId !== undefined && givenId !== '') {
      segment = idSegment(metadata.primaryId, idKind, String(givenId));
    } else if (key) {
      segment = alternateKeySegment(
        key.map((column) => ({
          column,
          kind: metadata.columns.get(column)!.kind,
          value: payload[column] as string | number | boolean,
        })),
      );
    } else {
      // A GUID made here makes the create idempotent too: sent twice (a dropped answer), it exists once.
      segment = idSegment(metadata.primaryId, idKind, randomUUID());
    }
    const url = `${entitySet}${segment}`;
    return {
      index,
      request: {
        method: 'PATCH',
        url: `${url}?$select=${metadata.primaryId},${this.context.modifiedColumn}`,
        headers: { 'If-None-Match': '*', Prefer: 'return=representation' },
        body: payload,
      },
      settle: async (response) => {
        if (response.status === 412) return this.existing(metadata, url);
        return this.written(metadata, response);
      },
    };
  }

  private planUpdate(metadata: EntityMetadata, row: UpdateRow, index: number): PlannedWrite {
    const idKind = metadata.columns.get(metadata.primaryId)?.kind ?? 'guid';
    const segment = idSegment(metadata.primaryId, idKind, row.id);
    const payload = toPayload(metadata, row.values, this.systemColumns(metadata));
    const etag = this.context.etags.get(row.id);
    return {
      index,
      request: {
        method: 'PATCH',
        url: `${this.context.entitySet}${segment}?$select=${metadata.primaryId},${this.context.modifiedColumn}`,
        headers: { 'If-Match': etag ?? '*', Prefer: 'return=representation' },
        body: payload,
      },
      settle: (response) => {
        if (response.status === 404 || (response.status === 412 && !etag)) {
          return { ok: false, message: 'record not found' };
        }
        if (response.status === 412) {
          return {
            ok: false,
            message:
              'the record changed in the CRM after this job read it (412 Precondition Failed): nothing was written; the next job reads it again and the field rules decide',
            detail: errorDetail(response),
          };
        }
        return this.written(metadata, response);
      },
    };
  }

  /** A write's answer with the record (return=representation): its id and new modified-on; the ETag is kept. */
  private written(metadata: EntityMetadata, response: BatchResponse): WriteResult {
    if (response.status >= 300) return partFailure(response);
    const body = (response.body ?? {}) as Record<string, unknown>;
    const id = body[metadata.primaryId] ?? idFromEntityId(response.headers['odata-entityid']);
    if (id === undefined || id === null) return { ok: false, message: 'the CRM answered without the record' };
    const etag = body['@odata.etag'] ?? response.headers.etag;
    if (typeof etag === 'string') this.context.etags.set(String(id), etag);
    return { ok: true, id: String(id), modifiedUs: modifiedUsOf(body[this.context.modifiedColumn], etag) };
  }

  /** After a 412 on create: the record is there already (our own, from a run that did not finish); read it. */
  private async existing(metadata: EntityMetadata, url: string): Promise<WriteResult> {
    try {
      const row = await this.context.api.json<Record<string, unknown>>(this.context.budget, {
        method: 'GET',
        url: `${url}?$select=${metadata.primaryId},${this.context.modifiedColumn}`,
      });
      const id = String(row[metadata.primaryId]);
      if (typeof row['@odata.etag'] === 'string') this.context.etags.set(id, row['@odata.etag']);
      return { ok: true, id, modifiedUs: modifiedUsOf(row[this.context.modifiedColumn], row['@odata.etag']) };
    } catch (error) {
      if (error instanceof DataverseRequestError) {
        return { ok: false, message: `the record exists already but could not be read: ${error.dataverseMessage}` };
      }
      throw error;
    }
  }

  /** Sends the planned writes in batches (concurrently; the pacer keeps the pace) and settles each row. */
  private async execute(planned: readonly PlannedWrite[], results: WriteResult[]): Promise<void> {
    const batches: PlannedWrite[][] = [];
    for (let i = 0; i < planned.length; i += this.context.batchSize) {
      batches.push(planned.slice(i, i + this.context.batchSize));
    }
    await Promise.all(batches.map((batch) => this.executeBatch(batch, results)));
  }

  private async executeBatch(batch: readonly PlannedWrite[], results: WriteResult[]): Promise<void> {
    let open = [...batch];
    for (let round = 1; open.length > 0; round++) {
      const answers = await this.sendBatch(open);
      const retry: PlannedWrite[] = [];
      let retryAfterMs = 0;
      for (const [n, write] of open.entries()) {
        const answer = answers.get(n);
        if (!answer) {
          retry.push(write);
          continue;
        }
        if (TRANSIENT_PART.has(answer.status) && round < MAX_PART_ROUNDS) {
          retry.push(write);
          retryAfterMs = Math.max(
            retryAfterMs,
            parseRetryAfter(answer.headers['retry-after'], Date.now()) ?? 1000 * round,
          );
          continue;
        }
        results[write.index] = await write.settle(answer);
      }
      if (retry.length === 0) return;
      if (answers.size === 0) {
        // An answer that names none of the parts (a change set rolled back without its Content-ID): each
        // part goes alone, so that every one gets an answer of its own.
        if (open.length === 1) {
          results[open[0]!.index] = {
            ok: false,
            message: 'the CRM answered the $batch without an answer for this record',
          };
          return;
        }
        for (const write of open) await this.executeBatch([write], results);
        return;
      }
      if (retryAfterMs > 0) {
        this.context.budget.admit(Date.now(), retryAfterMs, 'throttled', 'parts of a $batch were refused', true);
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
      }
      open = retry;
    }
  }

  /**
   * One `$batch` call; answers by position in `writes`. A change set that the server rolled back as a whole
   * answers once, for its failing part: that part gets the answer and the others none (they are sent again).
   */
  private async sendBatch(writes: readonly PlannedWrite[]): Promise<Map<number, BatchResponse>> {
    const { api, budget } = this.context;
    const { contentType, body } = writeChangeSetBatch(
      writes.map((w) => w.request),
      api.root,
    );
    const response = await api.send(budget, {
      method: 'POST',
      url: '$batch',
      headers: { 'Content-Type': contentType, Prefer: 'odata.continue-on-error' },
      body,
    });
    const type = response.headers.get('content-type') ?? '';
    if (response.status >= 400 || !/multipart\/mixed/i.test(type)) {
      const { code, message } = errorOf(response.status, parseBody(response.text));
      throw new DataverseRequestError(response.status, code, message, `POST $batch of ${writes.length} requests`);
    }
    const answers = new Map<number, BatchResponse>();
    const parts = readBatchResponse(type, response.text);
    parts.forEach((part, position) => {
      const n = part.contentId !== null ? Number(part.contentId) - 1 : parts.length === writes.length ? position : -1;
      if (n >= 0 && n < writes.length) answers.set(n, part);
    });
    return answers;
  }
}

/** A refused part: Dataverse's message, with its error code and HTTP status as the detail. */
function partFailure(response: BatchResponse): WriteResult {
  const { message } = errorOf(response.status, response.body);
  return { ok: false, message, detail: errorDetail(response) };
}

function errorDetail(response: BatchResponse): string {
  const { code } = errorOf(response.status, response.body);
  return `HTTP ${response.status}${code ? `, Dataverse error ${code}` : ''}`;
}

function valueFailure(error: unknown): WriteResult {
  if (error instanceof ColumnValueError || error instanceof ODataValueError)
    return { ok: false, message: error.message };
  throw error;
}

/** `https://…/accounts(0000…)` → the GUID. */
function idFromEntityId(entityId: string | undefined): string | undefined {
  return entityId ? /\(([^)]+)\)\s*$/.exec(entityId)?.[1] : undefined;
}
