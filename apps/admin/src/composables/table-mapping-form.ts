import type { UpdateTableMappingMutation } from '../graphql/table-mappings';
import type { ResultOf, VariablesOf } from '../graphql/tada';
import { t } from '../i18n';
import {
  conditionsFromRows,
  type FilterRow,
  filterLabel,
  rowsFromConditions,
  sameConditions,
} from './table-mapping-filters';
import {
  type DeletionConflictResolution,
  deletionConflictLabel,
  directionLabel,
  type SyncDirection,
  scheduleLabel,
  type TableMapping,
  type UpdateConflictResolution,
  updateConflictLabel,
} from './table-mapping-labels';

export type TableMappingPatch = VariablesOf<typeof UpdateTableMappingMutation>['patch'];
type UpdateResult = ResultOf<typeof UpdateTableMappingMutation>['updateTableMapping'];

/** What the edit form holds. Numbers are null while the input is empty (the user cleared it). */
export interface MappingForm {
  direction: SyncDirection;
  updateConflictResolution: UpdateConflictResolution;
  deletionConflictResolution: DeletionConflictResolution;
  scheduleSeconds: number | null;
  enabled: boolean;
  createNewIfNoMatch: boolean;
  syncOnlyCoupledRecords: boolean;
  parkAfterFailures: number | null;
  /** Each side's structured filter, as rows; the config file's raw SQL filter is not the form's. */
  localFilters: FilterRow[];
  integrationFilters: FilterRow[];
}

export type MappingFormKey = keyof MappingForm;
export type FormErrors = Partial<Record<MappingFormKey, string>>;

/** The single-valued settings, in the order the form and the confirmation list them. */
const SETTING_KEYS = [
  'direction',
  'updateConflictResolution',
  'deletionConflictResolution',
  'scheduleSeconds',
  'enabled',
  'createNewIfNoMatch',
  'syncOnlyCoupledRecords',
  'parkAfterFailures',
] as const satisfies readonly MappingFormKey[];

/** The filters, listed after the settings; they are lists, so they are compared and described apart. */
const FILTER_KEYS = ['localFilters', 'integrationFilters'] as const satisfies readonly MappingFormKey[];

/** The form's keys in the order the form and the confirmation list them. */
export const FORM_KEYS = [...SETTING_KEYS, ...FILTER_KEYS] as const satisfies readonly MappingFormKey[];

/** Each setting's name in the console's language (`mappings.form.labels`), read when used. */
export const FIELD_LABELS = new Proxy({} as Record<MappingFormKey, string>, {
  get: (_target, key) => (typeof key === 'string' ? t(`mappings.form.labels.${key as MappingFormKey}`) : undefined),
});

/** GraphQL's Int is 32-bit: a larger number would be refused by the API as a malformed request. */
const INT_MAX = 2_147_483_647;

export function formFromMapping(mapping: TableMapping): MappingForm {
  return {
    direction: mapping.direction,
    updateConflictResolution: mapping.updateConflictResolution,
    deletionConflictResolution: mapping.deletionConflictResolution,
    scheduleSeconds: mapping.scheduleSeconds,
    enabled: mapping.enabled,
    createNewIfNoMatch: mapping.createNewIfNoMatch,
    syncOnlyCoupledRecords: mapping.syncOnlyCoupledRecords,
    parkAfterFailures: mapping.parkAfterFailures,
    localFilters: rowsFromConditions(mapping.localFilters),
    integrationFilters: rowsFromConditions(mapping.integrationFilters),
  };
}

/** A field mapping as far as the direction check needs it (null direction: the mapping's). */
export interface FieldDirection {
  localField: string;
  integrationField: string;
  direction: SyncDirection | null;
}

/**
 * The rules the API applies (sync-core's validateMappingInput), checked before sending so that the user
 * learns what is wrong next to the input instead of after a round trip. The API checks them again.
 */
export function validateMappingForm(form: MappingForm, fields: readonly FieldDirection[] = []): FormErrors {
  const errors: FormErrors = {};
  const schedule = form.scheduleSeconds;
  if (schedule === null) errors.scheduleSeconds = t('mappings.form.errors.scheduleMissing');
  else if (!Number.isInteger(schedule)) errors.scheduleSeconds = t('mappings.form.errors.scheduleWhole');
  else if (schedule < 0) errors.scheduleSeconds = t('mappings.form.errors.scheduleNegative');
  else if (schedule > INT_MAX) errors.scheduleSeconds = t('mappings.form.errors.scheduleMax', { max: INT_MAX });

  const park = form.parkAfterFailures;
  if (park === null) errors.parkAfterFailures = t('mappings.form.errors.parkMissing');
  else if (!Number.isInteger(park)) errors.parkAfterFailures = t('mappings.form.errors.parkWhole');
  else if (park < 1) errors.parkAfterFailures = t('mappings.form.errors.parkMin');
  else if (park > INT_MAX) errors.parkAfterFailures = t('mappings.form.errors.parkMax', { max: INT_MAX });

  for (const key of FILTER_KEYS) {
    const { problems } = conditionsFromRows(form[key]);
    if (problems.length > 0) errors[key] = `${FIELD_LABELS[key]}: ${problems.join(' ')}`;
  }

  if (form.direction !== 'BIDIRECTIONAL') {
    const clash = fields.find((field) => field.direction !== null && field.direction !== form.direction);
    if (clash?.direction) {
      errors.direction = t('mappings.form.errors.directionClash', {
        local: clash.localField,
        integration: clash.integrationField,
        fieldDirection: directionLabel(clash.direction),
        direction: directionLabel(form.direction),
      });
    }
  }
  return errors;
}

/** Only what the user changed: the API keeps omitted settings, so a concurrent change to another is kept. */
export function patchFromForm(mapping: TableMapping, form: MappingForm): TableMappingPatch {
  const before = formFromMapping(mapping);
  const patch: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    if (form[key] !== null && form[key] !== before[key]) patch[key] = form[key];
  }
  // A filter goes whole (the API replaces the list) and only when its conditions differ from the saved ones.
  for (const key of FILTER_KEYS) {
    const { conditions } = conditionsFromRows(form[key]);
    if (!sameConditions(conditions, mapping[key])) patch[key] = conditions;
  }
  return patch as TableMappingPatch;
}

export interface SettingChange {
  key: MappingFormKey;
  label: string;
  from: string;
  to: string;
}

function valueLabel(key: MappingFormKey, value: unknown, form: MappingForm): string {
  switch (key) {
    case 'direction':
      return directionLabel(value as SyncDirection);
    case 'updateConflictResolution':
      return updateConflictLabel(value as UpdateConflictResolution);
    case 'deletionConflictResolution':
      return deletionConflictLabel(value as DeletionConflictResolution);
    case 'scheduleSeconds':
      return scheduleLabel(value as number, form.enabled);
    case 'parkAfterFailures':
      return t('mappings.form.parkValue', { n: value as number }, value as number);
    default:
      return value ? t('mappings.form.yes') : t('mappings.form.no');
  }
}

/** The confirmation's list: each changed setting, from what to what, in words. */
export function describeChanges(mapping: TableMapping, patch: TableMappingPatch): SettingChange[] {
  const before = formFromMapping(mapping);
  const after = { ...before, ...patch } as MappingForm;
  const settings = SETTING_KEYS.filter((key) => patch[key] !== undefined && patch[key] !== null).map((key) => ({
    key,
    label: FIELD_LABELS[key],
    from: valueLabel(key, before[key], before),
    to: valueLabel(key, after[key], after),
  }));
  const filters = FILTER_KEYS.flatMap((key) => {
    const conditions = patch[key];
    if (!conditions) return [];
    return [{ key, label: FIELD_LABELS[key], from: filterLabel(mapping[key]), to: filterLabel(conditions) }];
  });
  return [...settings, ...filters];
}

export interface UpdateProblem {
  title: string;
  message: string;
  /** The form input the problem is about, when the API named one the form has. */
  key: MappingFormKey | null;
}

function keyFromText(text: string | null | undefined): MappingFormKey | null {
  if (!text) return null;
  return FORM_KEYS.find((key) => text.includes(key)) ?? null;
}

/** A refused update in words, by the API's typed error (null when the update succeeded). */
export function describeUpdateError(result: UpdateResult | null | undefined): UpdateProblem | null {
  if (!result)
    return {
      title: t('mappings.form.problems.noAnswer'),
      message: t('mappings.form.problems.noAnswerMessage'),
      key: null,
    };
  switch (result.__typename) {
    case 'UpdateTableMappingPayload':
      return null;
    case 'ForbiddenError':
      return {
        title: t('mappings.form.problems.forbidden'),
        message: t('mappings.form.problems.forbiddenMessage', { message: result.message }),
        key: null,
      };
    case 'NotFoundError':
    case 'InvalidIdError':
      return { title: t('mappings.form.problems.gone'), message: result.message, key: null };
    case 'InvalidMappingError':
      return {
        title: t('mappings.form.problems.refused'),
        message: result.message,
        key: keyFromText(result.message) ?? (result.field ? 'direction' : null),
      };
    case 'InvalidInputError':
      return {
        title: t('mappings.form.problems.invalidArgument', { argument: result.argument }),
        message: result.message,
        key: keyFromText(result.message),
      };
    default:
      return { title: t('mappings.form.notSaved'), message: result.message, key: null };
  }
}
