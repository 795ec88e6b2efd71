import { type GraphQLSchema, isInterfaceType, isObjectType } from 'graphql';

/**
 * Default deny, checked when the schema is built: every Query, Mutation and Subscription field and every
 * type that implements Node must name the role it needs (`authScopes`). A new field without one stops the
 * API from starting — it is closed until it says who may use it — and the role-matrix test then asks for
 * its row.
 */
export function assertEveryFieldNamesItsRole(schema: GraphQLSchema): GraphQLSchema {
  const missing: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (!namesScopes(field.extensions)) missing.push(`${root.name}.${field.name}`);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    if (type.getInterfaces().some((iface) => isInterfaceType(iface) && iface.name === 'Node')) {
      if (!namesScopes(type.extensions)) missing.push(`type ${type.name}`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`default deny: these name no role (authScopes): ${missing.join(', ')}`);
  }
  return schema;
}

function namesScopes(extensions: unknown): boolean {
  const options = (extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions;
  return options?.authScopes != null;
}
