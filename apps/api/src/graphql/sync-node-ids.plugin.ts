import SchemaBuilder, { BasePlugin, completeValue, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLFieldResolver } from 'graphql';

/**
 * Resolves every node type's `id` synchronously. The relay plugin's `id` field is an `async` function, so
 * each node of a page answered a promise: graphql-js then completes every node, and every list of them,
 * on the promise path (one promise per node, `Promise.all` per list) — about a tenth of an errors page's
 * own cost (profiled under the errors-page benchmark). This plugin gives the field the same value
 * without the promise: the node's `id.resolve`, encoded as the relay plugin does (`encodeGlobalID`, or
 * the builder's `relay.encodeGlobalID`). Listed last among the plugins, it is the innermost resolver, so
 * scope-auth and the others still wrap it as before.
 */
export class SyncNodeIdsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const idFieldName = this.builder.options.relay?.idFieldName ?? 'id';
    if (fieldConfig.name !== idFieldName || fieldConfig.kind !== 'Object') return resolver;
    const typeConfig = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const id = (typeConfig.pothosOptions as { id?: { resolve?: GraphQLFieldResolver<unknown, Types['Context']> } }).id;
    if (typeConfig.kind !== 'Object' || typeof id?.resolve !== 'function') return resolver;
    const resolveId = id.resolve;
    const typename = typeConfig.name;
    const encode = this.builder.options.relay?.encodeGlobalID;
    return (parent, args, context, info) =>
      completeValue(resolveId(parent, args, context, info), (value: unknown) =>
        value == null
          ? value
          : encode
            ? encode(typename, String(value), context)
            : encodeGlobalID(typename, String(value)),
      );
  }
}

const pluginName = 'syncNodeIds';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      syncNodeIds: SyncNodeIdsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, SyncNodeIdsPlugin);

export default pluginName;
