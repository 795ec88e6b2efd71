import {
  DATAVERSE_DEFAULTS,
  DELETION_CONFLICT_RESOLUTIONS,
  FILTER_OPERATORS,
  MAPPING_DEFAULTS,
  SYNC_DIRECTIONS,
  transformNames,
  UPDATE_CONFLICT_RESOLUTIONS,
} from '@tandem/sync-core';
import { z } from 'zod';
import { DEFAULT_KEY_LIMITS } from '../limits.js';
import { LOG_LEVELS } from '../observability/log-levels.js';
import { alertsSection } from './alerts-config.js';

/**
 * The shape of `tandem.config.yaml` (DESIGN.md "Configuration file"). Objects are strict: an unknown key
 * is a mistake (a typo would otherwise be silently ignored) and is reported with its path.
 */
const side = z.strictObject({
  connector: z.string().min(1),
  table: z.string().min(1),
  id: z.string().min(1),
  modifiedOn: z.string().min(1),
  // Raw SQL pasted into the app's queries: only this file (the operator's own) may set it, never the API.
  filter: z.string().min(1).optional(),
});

const filterValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One structured filter condition; which of value/values an operator takes is checked by sync-core. */
const filterCondition = z.strictObject({
  field: z.string().min(1),
  operator: z.enum(FILTER_OPERATORS),
  value: filterValue.optional(),
  values: z.array(filterValue).optional(),
});

/** Structured filters per side (`filters: { local: [ { field: blocked, operator: EQ, value: false } ] }`). */
const filters = z.strictObject({
  local: z.array(filterCondition).optional(),
  integration: z.array(filterCondition).optional(),
});

const field = z.strictObject({
  local: z.string().min(1),
  integration: z.string().min(1),
  direction: z.enum(SYNC_DIRECTIONS).optional(),
  constant: z.unknown().optional(),
  transform: z.enum(transformNames() as [string, ...string[]]).optional(),
  enabled: z.boolean().optional(),
  match: z.boolean().optional(),
  matchPriority: z.number().int().min(0).optional(),
  caseSensitive: z.boolean().optional(),
  clearValueOnFailedSync: z.boolean().optional(),
});

const mapping = z.strictObject({
  name: z.string().min(1),
  local: side,
  integration: side.extend({ externalKey: z.string().min(1).optional() }),
  filters: filters.optional(),
  // sync-core's defaults: what the file leaves out means what the API and the store take it to mean.
  direction: z.enum(SYNC_DIRECTIONS).default(MAPPING_DEFAULTS.direction),
  syncOnlyCoupledRecords: z.boolean().default(MAPPING_DEFAULTS.syncOnlyCoupledRecords),
  createNewIfNoMatch: z.boolean().default(MAPPING_DEFAULTS.createNewIfNoMatch),
  updateConflictResolution: z.enum(UPDATE_CONFLICT_RESOLUTIONS).default(MAPPING_DEFAULTS.updateConflictResolution),
  deletionConflictResolution: z
    .enum(DELETION_CONFLICT_RESOLUTIONS)
    .default(MAPPING_DEFAULTS.deletionConflictResolution),
  scheduleSeconds: z.number().int().min(0).default(MAPPING_DEFAULTS.scheduleSeconds),
  enabled: z.boolean().default(MAPPING_DEFAULTS.enabled),
  parkAfterFailures: z.number().int().min(1).default(MAPPING_DEFAULTS.parkAfterFailures),
  fields: z.array(field).min(1),
});

const sqlConnector = z.strictObject({
  type: z.literal('sql'),
  url: z.string().min(1),
});

const httpUrl = z.string().regex(/^https?:\/\/[^/\s]+/, 'must be an http:// or https:// URL');

/** A Dataverse environment's Web API (docs/CONNECTORS.md); the secret comes from `${ENV}`. */
const dataverseConnector = z.strictObject({
  type: z.literal('dataverse'),
  url: httpUrl,
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'like v9.2')
    .default(DATAVERSE_DEFAULTS.apiVersion),
  auth: z.strictObject({
    tokenUrl: httpUrl,
    clientId: z.string().min(1),
    clientSecret: z.string().min(1, 'is empty (is its environment variable set to nothing?)'),
    scope: z.string().min(1),
  }),
  batchSize: z.number().int().min(1).max(DATAVERSE_DEFAULTS.maxBatchSize).default(DATAVERSE_DEFAULTS.batchSize),
  maxWaitSeconds: z.number().int().min(1).default(DATAVERSE_DEFAULTS.maxWaitSeconds),
});

const connector = z.discriminatedUnion('type', [sqlConnector, dataverseConnector]);

export const configSchema = z.strictObject({
  database: z.strictObject({ url: z.string().min(1) }).default({ url: 'sqlite:./data/tandem.sqlite' }),
  server: z
    .strictObject({ port: z.number().int().min(0).max(65535).default(4000), host: z.string().default('0.0.0.0') })
    .default({ port: 4000, host: '0.0.0.0' }),
  retention: z.strictObject({ days: z.number().int().min(1).default(30) }).default({ days: 30 }),
  // How long a job's mapping lease lives without renewal (renewed every third of it while the job runs):
  // after a worker dies, its job is marked interrupted this long after its last renewal.
  // `concurrency`: jobs one process runs at once, each on its own job thread (different mappings only:
  // a mapping never runs two jobs at once). Raise it where jobs wait on slow apps rather than on CPU.
  jobs: z
    .strictObject({
      leaseSeconds: z.number().int().min(3).max(3600).default(30),
      concurrency: z.number().int().min(1).max(32).default(2),
      // How long a record-writing action (Synchronize, Restore, Delete …) waits for a running job of the
      // mapping to end before it answers MAPPING_BUSY for that mapping's records; 0 tries once.
      actionWaitSeconds: z.number().min(0).max(300).default(5),
    })
    .default({ leaseSeconds: 30, concurrency: 2, actionWaitSeconds: 5 }),
  // BullMQ on Redis for jobs, and Redis for subscription events across processes (docs/OPERATIONS.md).
  // Absent: the in-process queue, as on one machine. `prefix` names the deployment in Redis keys.
  queue: z
    .strictObject({
      redis: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
      prefix: z
        .string()
        .regex(/^[A-Za-z][\w-]*$/, 'letters, digits, - and _')
        .default('tandem'),
    })
    .optional(),
  // Per API key (docs/SECURITY.md): requests per minute (HTTP 429 above) and subscriptions open at once.
  limits: z
    .strictObject({
      requestsPerMinutePerKey: z.number().int().min(1).default(DEFAULT_KEY_LIMITS.requestsPerMinutePerKey),
      subscriptionsPerKey: z.number().int().min(1).default(DEFAULT_KEY_LIMITS.subscriptionsPerKey),
    })
    .default(DEFAULT_KEY_LIMITS),
  // `/metrics` answers this token (`Authorization: Bearer …`) or an ADMIN key. Long enough not to be guessed;
  // an empty `${TANDEM_METRICS_TOKEN}` is refused here rather than opening the endpoint to an empty bearer.
  metrics: z
    .strictObject({ token: z.string().min(16, 'must be at least 16 characters (a random secret)').optional() })
    .optional(),
  // The server's log: JSON lines (pretty in a terminal) from this level up; TANDEM_LOG_LEVEL overrides.
  logging: z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).default({ level: 'info' }),
  connectors: z.record(z.string().regex(/^[A-Za-z][\w-]*$/, 'connector names are letters, digits, - and _'), connector),
  mappings: z.array(mapping).default([]),
  // Alerts: channels, rules and delivery (docs/ALERTS.md); config/alerts-config.ts.
  alerts: alertsSection,
});

export type TandemConfig = z.infer<typeof configSchema>;
export type MappingConfig = z.infer<typeof mapping>;
