import { type Connector, DataverseConnector, InvalidConfigError, SqlConnector } from '@tandem/sync-core';
import type { TandemConfig } from '../config/config.schema.js';

export interface OpenedConnectors {
  /** The connectors that opened (and answered, when verified), by name. */
  connectors: Map<string, Connector>;
  /** One per connector that did not, naming its `connectors.NAME.url`, in the config's order. */
  problems: InvalidConfigError[];
}

/**
 * Opens every configured connector; with `verify`, also checks that each app answers now (PostgreSQL
 * otherwise connects only in the first job). A connector that cannot be opened or reached is a problem,
 * not an exception, so that `check-config` can report them all; `startRuntime` stops at the first.
 */
export async function openConnectors(
  config: TandemConfig['connectors'],
  options: { verify: boolean },
): Promise<OpenedConnectors> {
  const outcomes = await Promise.all(
    Object.entries(config).map(async ([name, spec]) => {
      let connector: SqlConnector | DataverseConnector | null = null;
      try {
        // A Dataverse connector's verify fetches a token and calls WhoAmI: wrong URL or credentials show here.
        connector = spec.type === 'dataverse' ? DataverseConnector.open(name, spec) : SqlConnector.open(name, spec.url);
        if (options.verify) await connector.verify();
        return { name, connector };
      } catch (error) {
        await connector?.close();
        if (error instanceof InvalidConfigError) return { name, problem: error };
        throw error;
      }
    }),
  );
  const connectors = new Map<string, Connector>();
  const problems: InvalidConfigError[] = [];
  for (const outcome of outcomes) {
    if (outcome.connector) connectors.set(outcome.name, outcome.connector);
    else problems.push(outcome.problem);
  }
  return { connectors, problems };
}

export async function closeConnectors(connectors: Map<string, Connector>): Promise<void> {
  for (const connector of connectors.values()) await connector.close();
}
