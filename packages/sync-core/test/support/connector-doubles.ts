import type { Connector, ConnectorRegistry, TableConnector } from '../../src/connectors/connector.js';

/** Table methods to put in place of the real ones; each receives the real table to delegate to. */
export type TableOverrides = {
  // NonNullable: optional methods (readDelta, onWait) can be put in place too.
  [K in keyof TableConnector]?: NonNullable<TableConnector[K]> extends (...args: infer A) => infer R
    ? (table: TableConnector, ...args: A) => R
    : never;
};

/**
 * The registry's connectors with some table methods replaced — slowed down, failing — and the rest the
 * real app's: for tests that need an app to be slow or to break in one place.
 */
export function withTableOverrides(registry: ConnectorRegistry, overrides: TableOverrides): ConnectorRegistry {
  return new Map(
    [...registry].map(([name, connector]): [string, Connector] => [
      name,
      {
        name: connector.name,
        close: () => connector.close(),
        openTable: (spec) => overrideTable(connector.openTable(spec), overrides),
      },
    ]),
  );
}

function overrideTable(table: TableConnector, overrides: TableOverrides): TableConnector {
  return new Proxy(table, {
    get(target, property, receiver) {
      const override = overrides[property as keyof TableConnector] as
        | ((table: TableConnector, ...args: unknown[]) => unknown)
        | undefined;
      if (override) return (...args: unknown[]) => override(target, ...args);
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
