import { DataverseError, ErrorCodes } from './errors.js';
import type { ApiResponse } from './http/api-types.js';
import type { ResolvedEntitySet } from './schema.js';
import type { EmulatorColumn } from './types.js';

/**
 * `GET EntityDefinitions` — Dataverse's metadata Web API (learn.microsoft.com/power-apps/developer/data-platform/
 * webapi/query-metadata-web-api). Unlike the CSDL at `$metadata`, it tells a client a table's alternate keys
 * (`Keys`), whether "Track changes" is on (`ChangeTrackingEnabled`) and each column's `RequiredLevel`, which a
 * connector needs before it reads changes or upserts. The emulator answers the shape of
 * `EntityDefinitions?$filter=EntitySetName eq 'accounts'&$expand=Attributes,Keys` (or `LogicalName eq …`,
 * or `EntityDefinitions(LogicalName='account')`) with every property expanded; `$select` is accepted and ignored.
 */
export function entityDefinitions(
  apiUrl: string,
  sets: Iterable<ResolvedEntitySet>,
  segment: string,
  params: URLSearchParams,
): ApiResponse {
  const all = [...sets];
  const single = /^EntityDefinitions\(LogicalName='([^']*)'\)$/.exec(segment);
  if (single) {
    const set = all.find((s) => s.logicalName === single[1]);
    if (!set) {
      throw new DataverseError(404, ErrorCodes.notFound, `Could not find an entity with the name ${single[1]}.`);
    }
    return { status: 200, headers: {}, body: { ...definitionOf(set), '@odata.context': context(apiUrl) } };
  }
  if (segment !== 'EntityDefinitions') {
    throw new DataverseError(404, ErrorCodes.badQuery, `Resource not found for the segment '${segment}'.`);
  }
  const filter = params.get('$filter');
  let matching = all;
  if (filter !== null) {
    const match = /^\s*(EntitySetName|LogicalName)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
    if (!match) {
      throw new DataverseError(
        400,
        ErrorCodes.badQuery,
        `The emulator filters EntityDefinitions only by "EntitySetName eq '…'" or "LogicalName eq '…'", got: ${filter}`,
      );
    }
    const value = match[2]!.replaceAll("''", "'");
    matching = all.filter((s) => (match[1] === 'EntitySetName' ? s.name : s.logicalName) === value);
  }
  return { status: 200, headers: {}, body: { '@odata.context': context(apiUrl), value: matching.map(definitionOf) } };
}

function context(apiUrl: string): string {
  return `${apiUrl}/$metadata#EntityDefinitions`;
}

function definitionOf(set: ResolvedEntitySet) {
  return {
    LogicalName: set.logicalName,
    EntitySetName: set.name,
    PrimaryIdAttribute: set.key,
    ChangeTrackingEnabled: set.changeTracking,
    Attributes: [...set.columns.values()].map((column) => ({
      LogicalName: column.name,
      AttributeType: attributeType(set, column),
      RequiredLevel: { Value: requiredLevel(set, column) },
      MaxLength: column.type === 'string' ? (column.maxLength ?? null) : null,
    })),
    Keys: set.alternateKeys.map((columns, i) => ({
      LogicalName: `${set.logicalName}_key${i + 1}`,
      KeyAttributes: columns,
    })),
  };
}

/** Dataverse's AttributeType names (AttributeTypeCode) for the emulator's column types. */
function attributeType(set: ResolvedEntitySet, column: EmulatorColumn): string {
  if (column.name === set.key) return 'Uniqueidentifier';
  if (column.name === 'versionnumber') return 'BigInt';
  return {
    string: 'String',
    int: 'Integer',
    decimal: 'Decimal',
    boolean: 'Boolean',
    datetime: 'DateTime',
    guid: 'Uniqueidentifier',
  }[column.type];
}

function requiredLevel(
  set: ResolvedEntitySet,
  column: EmulatorColumn,
): 'SystemRequired' | 'ApplicationRequired' | 'None' {
  if (column.name === set.key) return 'SystemRequired';
  return column.required ? 'ApplicationRequired' : 'None';
}
