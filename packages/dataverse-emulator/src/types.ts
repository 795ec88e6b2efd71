/** The emulator's public types: a schema of entity sets, limits, faults and the running server's handle. */

export type EmulatorColumnType = 'string' | 'int' | 'decimal' | 'boolean' | 'datetime' | 'guid';

export interface EmulatorColumn {
  name: string;
  type: EmulatorColumnType;
  /** Strings only: longer values are rejected with Dataverse's validation error 0x80044331. */
  maxLength?: number;
  /** A create without it, or an update setting it to null, is rejected. */
  required?: boolean;
}

export interface EmulatorEntitySet {
  /** The entity set name used in URLs, e.g. `accounts`. */
  name: string;
  /** The primary key column (a GUID), e.g. `accountid`. Added to the columns when not declared. */
  key: string;
  /** The entity's logical name used in messages and `@odata.context`; default: `name` without its trailing `s`. */
  logicalName?: string;
  columns: EmulatorColumn[];
  /** Each inner list is one alternate key (unique, addressable as `accounts(erp_id='42')`). */
  alternateKeys?: string[][];
  /** Whether `Prefer: odata.track-changes` is allowed (Dataverse's per-table "Track changes"). Default true. */
  changeTracking?: boolean;
}

export interface EmulatorSchema {
  entitySets: EmulatorEntitySet[];
}

export interface ServiceLimits {
  /** The sliding window, in seconds (Dataverse: 300). */
  windowSeconds: number;
  /** Requests one user may make in the window (Dataverse: 6,000). */
  requestsPerWindow: number;
  /** Combined execution time one user may use in the window (Dataverse: 1,200,000 ms). */
  executionMsPerWindow: number;
  /** Requests one user may have in flight at once (Dataverse: 52). */
  concurrent: number;
}

export interface Faults {
  /** Added to every Web API request before it runs; counts as server execution time. */
  latencyMs?: number;
  /** Share (0..1) of Web API requests answered 500 with a Dataverse error body, before they run. */
  serverErrorRate?: number;
  /** Share (0..1) of Web API requests whose socket is destroyed without an answer. */
  dropRate?: number;
  /** When true, a dropped request is dropped after it ran (its writes landed): the client never hears so. */
  dropAfterProcessing?: boolean;
}

export interface EmulatorOptions {
  schema: EmulatorSchema;
  /** SQLite file; default in memory. */
  database?: string;
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** OAuth2 clients allowed at the token endpoint; default one: `tandem-emulator` / `emulator-secret`. */
  clients?: { clientId: string; clientSecret: string }[];
  /** Lifetime of issued access tokens; default 3600. */
  tokenLifetimeSeconds?: number;
  limits?: Partial<ServiceLimits>;
  faults?: Faults;
  /** Seed of the random numbers behind fault injection, so a run can be repeated. */
  seed?: number;
  /**
   * Precision of `modifiedon` and `createdon`. Default 'seconds', as real Dataverse returns them.
   * 'milliseconds' exists for experiments; see the README on change detection.
   */
  modifiedOnPrecision?: 'seconds' | 'milliseconds';
}

export interface EmulatorStats {
  /** Web API requests received (the token endpoint not included). */
  requests: number;
  /** Requests answered 429 by service protection. */
  throttled: number;
  /** Requests answered 500 by fault injection. */
  serverErrors: number;
  /** Requests whose connection was destroyed by fault injection. */
  dropped: number;
  /** Requests answered 401. */
  unauthorized: number;
  /** Operations inside `$batch` requests. */
  batchOperations: number;
  /** Highest number of Web API requests in flight at once. */
  maxConcurrent: number;
}

export interface RunningEmulator {
  /** Environment URL, e.g. http://127.0.0.1:PORT; the Web API is at url + '/api/data/v9.2'. */
  url: string;
  /** `url + '/api/data/v9.2'`. */
  apiUrl: string;
  /** OAuth2 token endpoint (client credentials, form POST). */
  tokenUrl: string;
  /** The first configured client, handy for tests and the CLI. */
  client: { clientId: string; clientSecret: string };
  close(): Promise<void>;
  setFaults(f: Faults): void;
  setLimits(l: Partial<ServiceLimits>): void;
  stats(): EmulatorStats;
  /** Test helpers that bypass HTTP: */
  rows(entitySet: string): Record<string, unknown>[];
  /** Makes every delta token issued so far expired (as when Dataverse's change retention passed). */
  expireDeltaTokens(): void;
  /** Forgets every issued access token, so the next request with one gets 401. */
  revokeTokens(): void;
}
