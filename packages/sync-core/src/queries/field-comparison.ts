import type { FieldValues } from '../connectors/connector.js';
import { sameValue } from '../engine/values.js';
import type { SyncDirection } from '../entities/enums.js';
import type { ResolvedField } from '../mappings/resolved-mapping.js';

/** One mapped field of an error's two records: now, as last synced, and what changed where. */
export interface SyncErrorFieldDetail {
  localField: string;
  integrationField: string;
  direction: SyncDirection;
  /** Current values; null also when the record is gone or could not be read. */
  local: unknown;
  integration: unknown;
  /** As stored on the coupling by the last successful sync; null when never synced. */
  lastSyncedLocal: unknown;
  lastSyncedIntegration: unknown;
  /** The error names this field (an update conflict's fields). */
  conflicting: boolean;
  /** Current differs from last synced; null when unknown (record missing or unreadable, never synced). */
  changedLocally: boolean | null;
  changedInIntegration: boolean | null;
}

export interface FieldComparisonInput {
  fields: readonly ResolvedField[];
  local: FieldValues | null;
  integration: FieldValues | null;
  lastSyncedLocal: FieldValues | null;
  lastSyncedIntegration: FieldValues | null;
  /** Field names the error lists (local names; integration names are accepted too). */
  conflicting: readonly string[];
}

function changed(current: FieldValues | null, synced: FieldValues | null, field: string): boolean | null {
  // A missing record or a missing snapshot is "unknown", not "unchanged": the console must not claim
  // that a deleted record's fields were left alone.
  if (!current || !synced || !(field in synced)) return null;
  return !sameValue(current[field], synced[field]);
}

/** Side-by-side values of every mapped field (pure: the reads happen before). */
export function compareFields(input: FieldComparisonInput): SyncErrorFieldDetail[] {
  const named = new Set(input.conflicting);
  return input.fields.map((field) => ({
    localField: field.localField,
    integrationField: field.integrationField,
    direction: field.direction,
    local: input.local?.[field.localField] ?? null,
    integration: input.integration?.[field.integrationField] ?? null,
    lastSyncedLocal: input.lastSyncedLocal?.[field.localField] ?? null,
    lastSyncedIntegration: input.lastSyncedIntegration?.[field.integrationField] ?? null,
    conflicting: named.has(field.localField) || named.has(field.integrationField),
    changedLocally: changed(input.local, input.lastSyncedLocal, field.localField),
    changedInIntegration: changed(input.integration, input.lastSyncedIntegration, field.integrationField),
  }));
}

/** The error's `fields` column: a JSON list of names; anything unreadable counts as none. */
export function parseFieldList(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** A coupling's last-synced snapshot; a damaged one is treated as absent rather than failing the page. */
export function parseSnapshot(json: string | null | undefined): FieldValues | null {
  if (!json) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as FieldValues) : null;
  } catch {
    return null;
  }
}
