import { encodeGlobalID } from '@pothos/plugin-relay';
import { type GraphQLResolveInfo, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';

/** Each node type's `id` resolver, as the schema runs it (wrapped by scope-auth and the other plugins). */
const nodeTypes = Object.values(schema.getTypeMap()).filter(
  (type) => isObjectType(type) && type.getInterfaces().some((iface) => iface.name === 'Node'),
);

describe('node ids (sync-node-ids plugin)', () => {
  it('are answered at once, not as a promise, with the global id the relay plugin writes', () => {
    expect(nodeTypes.map((type) => type.name)).toContain('SyncError');
    for (const type of nodeTypes) {
      if (!isObjectType(type)) continue;
      const context = { caller: { keyId: 1, name: 'test', role: 'ADMIN', expiresAt: null } };
      const info = { path: { prev: undefined, key: 'id', typename: type.name } } as unknown as GraphQLResolveInfo;
      const id = type.getFields().id!.resolve!({ id: 42 }, {}, context, info);
      expect(id, type.name).toBe(encodeGlobalID(type.name, '42'));
    }
  });

  it('still pass the type scopes: a caller without a role reads no id', () => {
    const type = schema.getType('SyncError');
    if (!isObjectType(type)) throw new Error('SyncError is an object type');
    const info = { path: { prev: undefined, key: 'id', typename: 'SyncError' } } as unknown as GraphQLResolveInfo;
    expect(() => type.getFields().id!.resolve!({ id: 42 }, {}, { caller: null }, info)).toThrow();
  });
});
