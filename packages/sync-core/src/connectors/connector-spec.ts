import type { Connector } from './connector.js';
import { SqlConnector } from './sql/sql.connector.js';

/**
 * How to open a connector, as plain data (a config file's `connectors.NAME`): what a job thread receives
 * to open its own connections to the apps, since a connection cannot cross threads.
 */
export interface ConnectorSpec {
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
  }
}
