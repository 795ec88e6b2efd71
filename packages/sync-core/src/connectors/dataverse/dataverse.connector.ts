import { InvalidConfigError } from '../../errors/invalid-config.error.js';
import type { Connector, TableSpec } from '../connector.js';
import { DataverseTableConnector } from './dataverse-table.js';
import { RequestPacer, WaitBudget } from './request-pacer.js';
import { TokenRequestError, TokenSource } from './token-source.js';
import { DataverseRequestError, DataverseWebApi } from './web-api.js';

/** `connectors.NAME` of `type: dataverse`, as the config file states it (secrets already expanded). */
export interface DataverseConnectorSpec {
  type: 'dataverse';
  /** The environment URL, `https://contoso.crm4.dynamics.com` (the emulator's URL in tests and the demo). */
  url: string;
  /** `v9.2` unless given. */
  apiVersion?: string;
  auth: { tokenUrl: string; clientId: string; clientSecret: string; scope: string };
  /** Requests per `$batch` change set, at most 1,000 (Dataverse's limit); 100 unless given. */
  batchSize?: number;
  /** Total waiting (429 Retry-After, backoff) one job's side may do before it fails; 300 s unless given. */
  maxWaitSeconds?: number;
}

export const DATAVERSE_DEFAULTS = { apiVersion: 'v9.2', batchSize: 100, maxWaitSeconds: 300, maxBatchSize: 1000 };

/**
 * A Dataverse environment (the Web API, OData v4) as a Tandem connector: one application user, so one
 * token and one pacer (the service protection limits count per user) shared by every table it opens.
 */
export class DataverseConnector implements Connector {
  private readonly api: DataverseWebApi;
  private readonly pacer: RequestPacer;
  readonly tokens: TokenSource;

  constructor(
    readonly name: string,
    readonly spec: DataverseConnectorSpec,
    pacer?: RequestPacer,
  ) {
    const version = spec.apiVersion ?? DATAVERSE_DEFAULTS.apiVersion;
    this.tokens = new TokenSource(spec.auth);
    this.pacer = pacer ?? new RequestPacer();
    this.api = new DataverseWebApi(`${spec.url.replace(/\/+$/, '')}/api/data/${version}`, this.tokens, this.pacer);
  }

  /** Opens `spec`, checking its values (URL, batch size) first; errors name `connectors.NAME.…`. */
  static open(name: string, spec: DataverseConnectorSpec): DataverseConnector {
    const at = `connectors.${name}`;
    for (const [key, value] of [
      ['url', spec.url],
      ['auth.tokenUrl', spec.auth.tokenUrl],
    ] as const) {
      if (!/^https?:\/\/[^/]+/.test(value))
        throw new InvalidConfigError(`${at}.${key}`, `"${value}" is not an http(s) URL`);
    }
    const batchSize = spec.batchSize ?? DATAVERSE_DEFAULTS.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > DATAVERSE_DEFAULTS.maxBatchSize) {
      throw new InvalidConfigError(
        `${at}.batchSize`,
        `must be a whole number from 1 to ${DATAVERSE_DEFAULTS.maxBatchSize}`,
      );
    }
    return new DataverseConnector(name, spec);
  }

  /** Requests sent so far (every attempt), and how many were answered 429, 5xx or dropped. */
  stats(): { requests: number; throttled: number; serverErrors: number; dropped: number } {
    return { ...this.api.counts };
  }

  /** The Web API root, `…/api/data/v9.2`. */
  get apiUrl(): string {
    return this.api.root;
  }

  /** A wait budget for one job's side: `maxWaitSeconds`, messages naming the connector. */
  newBudget(): WaitBudget {
    return new WaitBudget(
      (this.spec.maxWaitSeconds ?? DATAVERSE_DEFAULTS.maxWaitSeconds) * 1000,
      `the CRM (connector "${this.name}")`,
    );
  }

  openTable(spec: TableSpec): DataverseTableConnector {
    return new DataverseTableConnector(
      this.api,
      spec,
      this.newBudget(),
      this.spec.batchSize ?? DATAVERSE_DEFAULTS.batchSize,
    );
  }

  /**
   * Checks that the environment answers and lets this client in: a token, then `WhoAmI` (Dataverse's
   * smallest authenticated request). Failures are `InvalidConfigError`s naming the key at fault.
   */
  async verify(): Promise<void> {
    const at = `connectors.${this.name}`;
    const budget = new WaitBudget(30_000, `the CRM (connector "${this.name}")`);
    try {
      await this.tokens.token();
    } catch (error) {
      const key = error instanceof TokenRequestError && !error.transient ? 'auth.clientSecret' : 'auth.tokenUrl';
      throw new InvalidConfigError(`${at}.${key}`, (error as Error).message);
    }
    try {
      await this.api.json(budget, { method: 'GET', url: 'WhoAmI' });
    } catch (error) {
      if (error instanceof DataverseRequestError) {
        const key = error.status === 401 || error.status === 403 ? 'auth' : 'url';
        throw new InvalidConfigError(
          `${at}.${key}`,
          `${this.api.root} answered ${error.status}: ${error.dataverseMessage}`,
        );
      }
      throw new InvalidConfigError(`${at}.url`, `cannot reach ${this.api.root}: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {}
}
