import type {
  ChangeCursor,
  ColumnInfo,
  DeltaPage,
  FieldValues,
  SourceRecord,
  TableConnector,
  TableSpec,
  UpdateRow,
  WriteResult,
} from '../connector.js';
import { RetriedLoad } from '../sql/retried-load.js';
import { secondOfUs, toSourceRecord } from './dataverse-record.js';
import { DataverseWriter } from './dataverse-writer.js';
import { type EntityMetadata, loadEntityMetadata } from './entity-metadata.js';
import {
  allOf,
  anyOf,
  type CompiledFilter,
  compileFilter,
  type EdmKind,
  isoSeconds,
  literal,
  matchesLocally,
  ODataValueError,
  queryString,
} from './odata-query.js';
import type { ConnectorWait, WaitBudget } from './request-pacer.js';
import { DataverseRequestError, type DataverseWebApi } from './web-api.js';

/** Values per `or` chain in one URL: about 7 KB of URL for GUIDs, under the 16 KB a Node server takes in headers. */
const VALUES_PER_QUERY = 100;
/** Dataverse's largest page. */
const MAX_PAGE = 5000;
/** ETags kept per job for `If-Match`: past it, updates of unread records use `If-Match: *`. */
const ETAG_CAP = 250_000;

interface Page {
  value?: Array<Record<string, unknown>>;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/**
 * One entity set of a Dataverse environment behind `connector.ts`'s contract. Reads are OData queries
 * selecting only the requested columns (`$select`), paged with `Prefer: odata.maxpagesize` and
 * `@odata.nextLink` followed as given; writes go through `DataverseWriter` in `$batch` requests.
 * One instance serves one job's side of a mapping (the engine opens a table per job): its wait budget and
 * the ETags it read belong to that job.
 */
export class DataverseTableConnector implements TableConnector {
  private readonly metadataLoad: RetriedLoad<EntityMetadata>;
  private readonly etags = new Map<string, string>();
  private readonly writer: DataverseWriter;

  constructor(
    private readonly api: DataverseWebApi,
    readonly spec: TableSpec,
    readonly budget: WaitBudget,
    batchSize: number,
  ) {
    this.metadataLoad = new RetriedLoad(() => loadEntityMetadata(api, budget, spec.table));
    const etags = this.etags;
    this.writer = new DataverseWriter({
      api,
      budget,
      entitySet: spec.table,
      modifiedColumn: spec.modifiedColumn,
      batchSize,
      metadata: () => this.metadata(),
      etags,
    });
  }

  /** Every wait of this table's requests (429, 5xx, dropped connections), as it happens. */
  onWait(listener: (wait: ConnectorWait) => void): () => void {
    return this.budget.onWait(listener);
  }

  metadata(): Promise<EntityMetadata> {
    return this.metadataLoad.get();
  }

  async describe(): Promise<ColumnInfo[]> {
    const metadata = await this.metadata();
    const assigned = new Set([metadata.primaryId, 'modifiedon', 'createdon', 'versionnumber']);
    return [...metadata.columns.values()].map((column) => ({
      name: column.name,
      type: column.type,
      nullable: !column.required,
      hasDefault: assigned.has(column.name),
    }));
  }

  /**
   * Records after the cursor in (modified-on, id) order, by `$filter=modifiedon ge <second>` and
   * `$orderby=modifiedon,<id>`. Modified-on within a second is ordered by row version (dataverse-record.ts),
   * which the server cannot sort on, so the reader fetches every record of each second it returns and
   * sorts them itself: a page boundary inside one second neither skips nor repeats any record.
   */
  async readChanges(after: ChangeCursor | null, limit: number, fields: readonly string[]): Promise<SourceRecord[]> {
    const metadata = await this.metadata();
    const { modifiedColumn } = this.spec;
    const filter = this.filterOf(metadata);
    const read = withFilterFields(fields, filter);
    const since = after ? `${modifiedColumn} ge ${isoSeconds(secondOfUs(after.modifiedUs))}` : null;
    let url: string | null =
      this.spec.table +
      queryString({
        select: this.selectOf(metadata, read),
        filter: allOf(`${modifiedColumn} ne null`, since, filter.expression),
        orderby: [modifiedColumn, metadata.primaryId],
      });
    const pageSize = Math.min(MAX_PAGE, Math.max(1, limit));
    const found: SourceRecord[] = [];
    while (url) {
      const page: Page = await this.api.json<Page>(this.budget, {
        method: 'GET',
        url,
        headers: { Prefer: `odata.maxpagesize=${pageSize}` },
      });
      const rows = page.value ?? [];
      for (const row of rows) {
        const record = this.toRecord(row, metadata, read);
        if (after && !isAfter(record, after)) continue;
        if (!matchesLocally(record.values, filter.local)) continue;
        found.push(onlyFields(record, fields, read));
      }
      url = page['@odata.nextLink'] ?? null;
      if (found.length >= limit && rows.length > 0) {
        // Enough once the server has moved past the second of the limit-th record: that second is whole.
        found.sort(byCursor);
        const lastSecond = secondOfUs(found[limit - 1]!.modifiedUs);
        const reached = Date.parse(String(rows[rows.length - 1]![modifiedColumn]));
        if (reached >= lastSecond + 1000) break;
      }
    }
    return found.sort(byCursor).slice(0, limit);
  }

  /**
   * Changes by Dataverse change tracking ("Use change tracking to synchronize data with external
   * systems"): the first read asks with `Prefer: odata.track-changes` and gets every record, page by page
   * (`@odata.nextLink`, followed unmodified), ending with an `@odata.deltaLink`; reading that link later
   * gives what changed since, with deleted records as `$deletedEntity` tombstones. Null when the entity set
   * does not track changes, or when the side has a filter, which Dataverse does not allow with
   * change tracking: then changes are read by modified-on.
   */
  async readDelta(token: string | null, limit: number, fields: readonly string[]): Promise<DeltaPage | null> {
    const metadata = await this.metadata();
    if (!metadata.changeTracking || this.spec.filter?.trim() || (this.spec.conditions?.length ?? 0) > 0) return null;
    const pageSize = Math.min(MAX_PAGE, Math.max(1, limit));
    const read = (url: string) =>
      this.api.json<Page>(this.budget, {
        method: 'GET',
        url,
        headers: { Prefer: `odata.track-changes,odata.maxpagesize=${pageSize}` },
      });
    const start = this.spec.table + queryString({ select: this.selectOf(metadata, fields) });
    let restarted = false;
    let page: Page;
    try {
      page = await read(token ? atRoot(token, this.api.root) : start);
    } catch (error) {
      if (!token || !isExpiredLink(error)) throw error;
      // The token outlived what the server keeps (Dataverse: about 90 days, or a link from another table).
      restarted = true;
      page = await read(start);
    }
    const records: SourceRecord[] = [];
    const deletedIds: string[] = [];
    for (const row of page.value ?? []) {
      if (isTombstone(row)) deletedIds.push(String(row.id ?? row[metadata.primaryId]));
      else records.push(this.toRecord(row, metadata, fields));
    }
    const next = page['@odata.nextLink'];
    const delta = page['@odata.deltaLink'];
    if (!next && !delta) {
      throw new Error(
        `the CRM answered a change-tracking read of "${this.spec.table}" with neither @odata.nextLink nor @odata.deltaLink`,
      );
    }
    return { records, deletedIds, token: next ?? delta!, done: !next, restarted };
  }

  /** Ignores the filters: this answers "does the record exist", and one that left the filter is not deleted. */
  async getByIds(ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]> {
    const metadata = await this.metadata();
    const kind = this.kindOf(metadata, metadata.primaryId);
    // An id that cannot be a key of this table (not a GUID) names no record.
    const valid = [...new Set(ids)].filter((id) => isLiteral(metadata.primaryId, kind, id));
    return this.readByValues(metadata, metadata.primaryId, kind, valid, fields, null);
  }

  async findByField(
    field: string,
    values: readonly unknown[],
    fields: readonly string[],
    caseSensitive: boolean,
  ): Promise<SourceRecord[]> {
    const metadata = await this.metadata();
    if (!metadata.columns.has(field)) throw new Error(`entity set "${this.spec.table}" has no column "${field}"`);
    const kind = this.kindOf(metadata, field);
    const wanted = [
      ...new Set(
        values
          .filter((v) => v !== null && v !== undefined)
          .map((v) => (typeof v === 'number' || typeof v === 'boolean' ? v : String(v))),
      ),
    ].filter((v) => isLiteral(field, kind, v));
    const found = await this.readByValues(metadata, field, kind, wanted, [...fields, field], this.filterOf(metadata));
    // Dataverse compares text without regard to case; a case-sensitive match is checked here.
    const exact = new Set(wanted.map((v) => String(v)));
    const folded = new Set(wanted.map((v) => String(v).toLowerCase()));
    return found
      .filter((record) => {
        const value = String(record.values[field]);
        return caseSensitive ? exact.has(value) : folded.has(value.toLowerCase());
      })
      .map((record) => (fields.includes(field) ? record : { ...record, values: without(record.values, field) }));
  }

  /** Ignores the filters, like `getByIds`. */
  async listIds(after: string | null, limit: number): Promise<string[]> {
    const metadata = await this.metadata();
    const id = metadata.primaryId;
    const kind = this.kindOf(metadata, id);
    let url: string | null =
      this.spec.table +
      queryString({
        select: [id],
        filter: after === null ? null : `${id} gt ${literal(id, kind, after)}`,
        orderby: [id],
        top: limit,
      });
    const ids: string[] = [];
    while (url && ids.length < limit) {
      const page: Page = await this.api.json<Page>(this.budget, {
        method: 'GET',
        url,
        headers: { Prefer: `odata.maxpagesize=${Math.min(MAX_PAGE, limit)}` },
      });
      for (const row of page.value ?? []) ids.push(String(row[id]));
      url = page['@odata.nextLink'] ?? null;
    }
    return ids.slice(0, limit);
  }

  insert(rows: readonly FieldValues[]): Promise<WriteResult[]> {
    return this.writer.insert(rows);
  }

  update(rows: readonly UpdateRow[]): Promise<WriteResult[]> {
    return this.writer.update(rows);
  }

  delete(ids: readonly string[]): Promise<WriteResult[]> {
    return this.writer.delete(ids);
  }

  /** Reads the records whose `column` is one of `values`, `VALUES_PER_QUERY` per request, in parallel. */
  private async readByValues(
    metadata: EntityMetadata,
    column: string,
    kind: EdmKind,
    values: ReadonlyArray<string | number | boolean>,
    fields: readonly string[],
    filter: CompiledFilter | null,
  ): Promise<SourceRecord[]> {
    const chunks: Array<ReadonlyArray<string | number | boolean>> = [];
    for (let i = 0; i < values.length; i += VALUES_PER_QUERY) chunks.push(values.slice(i, i + VALUES_PER_QUERY));
    const read = filter ? withFilterFields(fields, filter) : fields;
    const pages = await Promise.all(
      chunks.map(async (chunk) => {
        const records: SourceRecord[] = [];
        let url: string | null =
          this.spec.table +
          queryString({
            select: this.selectOf(metadata, read),
            filter: allOf(anyOf(column, kind, chunk), filter?.expression),
          });
        while (url) {
          const page: Page = await this.api.json<Page>(this.budget, {
            method: 'GET',
            url,
            headers: { Prefer: `odata.maxpagesize=${MAX_PAGE}` },
          });
          for (const row of page.value ?? []) {
            const record = this.toRecord(row, metadata, read);
            if (!filter || matchesLocally(record.values, filter.local)) records.push(onlyFields(record, fields, read));
          }
          url = page['@odata.nextLink'] ?? null;
        }
        return records;
      }),
    );
    return pages.flat();
  }

  private toRecord(row: Record<string, unknown>, metadata: EntityMetadata, fields: readonly string[]): SourceRecord {
    const record = toSourceRecord(row, metadata, this.spec.modifiedColumn, fields);
    const etag = row['@odata.etag'];
    if (typeof etag === 'string' && (this.etags.size < ETAG_CAP || this.etags.has(record.id))) {
      this.etags.set(record.id, etag);
    }
    return record;
  }

  /** `$select`: the id, modified-on and the requested fields the entity has (never every column). */
  private selectOf(metadata: EntityMetadata, fields: readonly string[]): string[] {
    return [metadata.primaryId, this.spec.modifiedColumn, ...fields.filter((f) => metadata.columns.has(f))];
  }

  /** The structured filter compiled, ANDed with the config file's raw OData `filter`. */
  private filterOf(metadata: EntityMetadata): CompiledFilter {
    for (const condition of this.spec.conditions ?? []) {
      if (!metadata.columns.has(condition.field)) {
        throw new Error(
          `the filter names column "${condition.field}", which entity set "${this.spec.table}" does not have`,
        );
      }
    }
    const compiled = compileFilter(this.spec.conditions ?? [], (column) => this.kindOf(metadata, column));
    const raw = this.spec.filter?.trim();
    return { expression: allOf(raw || null, compiled.expression), local: compiled.local };
  }

  private kindOf(metadata: EntityMetadata, column: string): EdmKind {
    return metadata.columns.get(column)?.kind ?? 'string';
  }
}

/** A `$deletedEntity` entry of a delta response: `{ "@odata.context": "…$deletedEntity", id, reason }`. */
function isTombstone(row: Record<string, unknown>): boolean {
  const context = row['@odata.context'] ?? row['@odata.removed'];
  return (
    (typeof context === 'string' && context.includes('$deletedEntity')) ||
    row.reason === 'deleted' ||
    row['@removed'] !== undefined
  );
}

/**
 * A stored change-tracking link read at this environment's Web API root. The links the server gives are
 * absolute; one kept from before the environment's URL changed (an environment moved or renamed, an emulator
 * started again on another port) would otherwise be sent to an address that no longer answers, and every job
 * would wait out its budget on it. Its path and query are kept (a token the new address does not know is
 * refused there, and the read starts over). A link at the configured root is followed unmodified.
 */
export function atRoot(link: string, root: string): string {
  if (!/^https?:\/\//i.test(link) || link.startsWith(`${root}/`)) return link;
  const rest = /\/api\/data\/v\d+\.\d+\/(.*)$/s.exec(link)?.[1];
  return rest === undefined ? link : `${root}/${rest}`;
}

/** A stored delta link the server no longer takes: a client error other than auth or throttling. */
function isExpiredLink(error: unknown): boolean {
  return (
    error instanceof DataverseRequestError &&
    error.status >= 400 &&
    error.status < 500 &&
    ![401, 403, 429].includes(error.status)
  );
}

function byCursor(a: SourceRecord, b: SourceRecord): number {
  return a.modifiedUs - b.modifiedUs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function isAfter(record: SourceRecord, cursor: ChangeCursor): boolean {
  return record.modifiedUs > cursor.modifiedUs || (record.modifiedUs === cursor.modifiedUs && record.id > cursor.id);
}

function isLiteral(column: string, kind: EdmKind, value: string | number | boolean): boolean {
  try {
    literal(column, kind, value);
    return true;
  } catch (error) {
    if (error instanceof ODataValueError) return false;
    throw error;
  }
}

/**
 * The fields to read so that the conditions matched here (LIKE, which `$filter` cannot express exactly)
 * can be tested: the asked fields plus the ones those conditions name.
 */
function withFilterFields(fields: readonly string[], filter: CompiledFilter): readonly string[] {
  const extra = filter.local.map((c) => c.field).filter((f) => !fields.includes(f));
  return extra.length === 0 ? fields : [...fields, ...new Set(extra)];
}

/** The record with only the asked fields, once the extra ones read for a local condition did their job. */
function onlyFields(record: SourceRecord, fields: readonly string[], read: readonly string[]): SourceRecord {
  if (read === fields) return record;
  const values: FieldValues = {};
  for (const field of fields) if (field in record.values) values[field] = record.values[field];
  return { ...record, values };
}

function without(values: FieldValues, field: string): FieldValues {
  const { [field]: _, ...rest } = values;
  return rest;
}
