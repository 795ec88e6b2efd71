import type { Connector } from './connector.js';
import { DataverseConnector, type DataverseConnectorSpec } from './dataverse/dataverse.connector.js';
import { SqlConnector } from './sql/sql.connector.js';

/**
 * How to open a connector, as plain data (a config file's `connectors.NAME`): what a job thread receives
 * to open its own connections to the apps, since a connection cannot cross threads.
 */
export type ConnectorSpec = SqlConnectorSpec | DataverseConnectorSpec;

export interface SqlConnectorSpec {
  type: 'sql';
  url: string;
}

/**
 * Opens one connector from its spec and checks that its app answers now (PostgreSQL would otherwise
 * connect only on first use); errors name `connectors.NAME.url` like the config check does.
 */
export async function openConnector(name: string, spec: ConnectorSpec): Promise<Connector> {
  switch (spec.type) {
    case 'sql': {
      const connector = SqlConnector.open(name, spec.url);
      try {
        await connector.verify();
      } catch (error) {
        await connector.close();
        throw error;
      }
      return connector;
    }
    case 'dataverse': {
      // Checks the URL and credentials now: a token and one authenticated request.
      const connector = DataverseConnector.open(name, spec);
      await connector.verify();
      return connector;
    }
  }
}
