import { TableNotFoundError } from '../connector.js';
import type { EdmKind } from './odata-query.js';
import type { WaitBudget } from './request-pacer.js';
import { DataverseRequestError, type DataverseWebApi } from './web-api.js';

export interface ColumnMetadata {
  name: string;
  kind: EdmKind;
  /** The type as Dataverse names it (`String`, `DateTime`, `Edm.Guid` …), for messages and `describe`. */
  type: string;
  required: boolean;
  maxLength: number | null;
}

/** What the connector must know of an entity set before it reads or writes it. */
export interface EntityMetadata {
  entitySet: string;
  /** The primary key column (`accountid`). */
  primaryId: string;
  columns: Map<string, ColumnMetadata>;
  /** Alternate keys, each a list of columns: an insert with values for all of one is an upsert on it. */
  alternateKeys: string[][];
  /** Change tracking is enabled: changes are read with delta links rather than by modifiedon. */
  changeTracking: boolean;
}

/**
 * Loads an entity set's metadata: first from `EntityDefinitions` (Dataverse's metadata Web API, which
 * knows alternate keys and change tracking), and where a server lacks it, from the CSDL at `$metadata`.
 * An entity set that neither knows is `TableNotFoundError`.
 */
export async function loadEntityMetadata(
  api: DataverseWebApi,
  budget: WaitBudget,
  entitySet: string,
): Promise<EntityMetadata> {
  try {
    return await fromEntityDefinitions(api, budget, entitySet);
  } catch (error) {
    if (error instanceof TableNotFoundError) throw error;
    if (!(error instanceof DataverseRequestError) || ![400, 404, 501].includes(error.status)) throw error;
  }
  return fromCsdl(api, budget, entitySet);
}

interface EntityDefinitionRow {
  EntitySetName?: string;
  PrimaryIdAttribute?: string;
  ChangeTrackingEnabled?: boolean;
  Attributes?: Array<{
    LogicalName: string;
    AttributeType?: string;
    AttributeTypeName?: { Value?: string };
    RequiredLevel?: { Value?: string } | string;
    MaxLength?: number | null;
  }>;
  Keys?: Array<{ KeyAttributes?: string[] }>;
}

async function fromEntityDefinitions(
  api: DataverseWebApi,
  budget: WaitBudget,
  entitySet: string,
): Promise<EntityMetadata> {
  const filter = encodeURIComponent(`EntitySetName eq '${entitySet.replaceAll("'", "''")}'`);
  const url =
    `EntityDefinitions?$filter=${filter}&$select=LogicalName,EntitySetName,PrimaryIdAttribute,ChangeTrackingEnabled` +
    '&$expand=Attributes($select=LogicalName,AttributeType,RequiredLevel),Keys($select=KeyAttributes)';
  const body = await api.json<{ value?: EntityDefinitionRow[] }>(budget, { method: 'GET', url });
  const [row] = body.value ?? [];
  if (!row?.PrimaryIdAttribute) throw new TableNotFoundError(entitySet);
  const columns = new Map<string, ColumnMetadata>();
  for (const attribute of row.Attributes ?? []) {
    const type = attribute.AttributeType ?? attribute.AttributeTypeName?.Value ?? 'String';
    const level =
      typeof attribute.RequiredLevel === 'string' ? attribute.RequiredLevel : attribute.RequiredLevel?.Value;
    columns.set(attribute.LogicalName, {
      name: attribute.LogicalName,
      kind: kindOfType(type),
      type,
      required: level === 'ApplicationRequired' || level === 'SystemRequired',
      maxLength: attribute.MaxLength ?? null,
    });
  }
  return {
    entitySet,
    primaryId: row.PrimaryIdAttribute,
    columns,
    alternateKeys: (row.Keys ?? []).map((key) => key.KeyAttributes ?? []).filter((key) => key.length > 0),
    changeTracking: row.ChangeTrackingEnabled === true,
  };
}

/** Reads the entity set from the service's CSDL document (`$metadata`, XML). */
async function fromCsdl(api: DataverseWebApi, budget: WaitBudget, entitySet: string): Promise<EntityMetadata> {
  const response = await api.send(budget, { method: 'GET', url: '$metadata', headers: { Accept: 'application/xml' } });
  if (response.status >= 400) {
    throw new DataverseRequestError(response.status, null, response.text.slice(0, 300), 'GET $metadata');
  }
  return parseCsdl(response.text, entitySet);
}

/** The entity set's type, key and properties from a CSDL document; exported for its unit test. */
export function parseCsdl(xml: string, entitySet: string): EntityMetadata {
  const set = [...xml.matchAll(/<EntitySet\b([^>]*?)\/?>/g)]
    .map((m) => attributes(m[1]!))
    .find((a) => a.Name === entitySet);
  if (!set?.EntityType) throw new TableNotFoundError(entitySet);
  const typeName = set.EntityType.split('.').pop()!;
  const typeMatch = new RegExp(
    `<EntityType\\b[^>]*\\bName="${escapeRegExp(typeName)}"[^>]*>([\\s\\S]*?)</EntityType>`,
  ).exec(xml);
  if (!typeMatch) throw new TableNotFoundError(entitySet);
  const body = typeMatch[1]!;
  const keyRef = /<Key>\s*<PropertyRef\b([^>]*?)\/?>/.exec(body);
  const primaryId = keyRef ? attributes(keyRef[1]!).Name : undefined;
  if (!primaryId) throw new TableNotFoundError(entitySet);
  const columns = new Map<string, ColumnMetadata>();
  for (const match of body.matchAll(/<Property\b([^>]*?)\/?>/g)) {
    const a = attributes(match[1]!);
    if (!a.Name) continue;
    const type = a.Type ?? 'Edm.String';
    columns.set(a.Name, {
      name: a.Name,
      kind: kindOfType(type),
      type,
      required: a.Nullable === 'false' && a.Name !== primaryId,
      maxLength: a.MaxLength && /^\d+$/.test(a.MaxLength) ? Number(a.MaxLength) : null,
    });
  }
  const alternateKeys = [...body.matchAll(/<AlternateKey\b[^>]*>([\s\S]*?)<\/AlternateKey>/g)].map((m) =>
    [...m[1]!.matchAll(/<PropertyRef\b([^>]*?)\/?>/g)].map((r) => attributes(r[1]!).Name!).filter(Boolean),
  );
  return {
    entitySet,
    primaryId,
    columns,
    alternateKeys,
    changeTracking: /Capabilities\.V1\.ChangeTracking/.test(body) || set.ChangeTracking === 'true',
  };
}

function attributes(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const m of text.matchAll(/([\w.:]+)="([^"]*)"/g)) result[m[1]!] = m[2]!;
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Dataverse attribute types and EDM types to the kinds the connector writes literals for. */
export function kindOfType(type: string): EdmKind {
  const t = type
    .replace(/^Edm\./, '')
    .replace(/Type$/, '')
    .toLowerCase();
  if (['guid', 'uniqueidentifier', 'lookup', 'owner', 'customer'].includes(t)) return 'guid';
  if (['int', 'int16', 'int32', 'int64', 'integer', 'bigint', 'picklist', 'state', 'status'].includes(t)) return 'int';
  if (['decimal', 'double', 'money', 'single'].includes(t)) return 'decimal';
  if (t === 'boolean') return 'boolean';
  if (['datetime', 'datetimeoffset', 'date'].includes(t)) return 'datetime';
  return 'string';
}
