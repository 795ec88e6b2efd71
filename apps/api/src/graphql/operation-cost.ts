import { DEFAULT_PAGE_SIZE } from '@tandem/sync-core';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Cost of one scalar field; one object field costs OBJECT_COST plus its children. */
const SCALAR_COST = 1;
const OBJECT_COST = 2;
/** Each level of nesting weighs this much more than its parent: deep trees cost more than wide ones. */
const DEPTH_FACTOR = 1.5;

/**
 * What an operation would cost to answer, computed with the values its variables really have: a list
 * field costs `first` times its selection, whether `first` is written in the query or passed as `$n`
 * (the hole the validation-time cost rule had: a variable counted as 1). A connection without `first` is
 * a page of DEFAULT_PAGE_SIZE. Fragments count where they are spread; a fragment spread inside itself
 * (refused by validation anyway) counts once.
 */
export function operationCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) {
      if (operationName ? definition.name?.value === operationName : !operation) operation = definition;
    }
  }
  if (!operation) return 0;
  const vars = variables ?? {};

  const selectionCost = (set: SelectionSetNode, visiting: ReadonlySet<string>): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) cost += fieldCost(selection, visiting);
      else if (selection.kind === Kind.INLINE_FRAGMENT) cost += selectionCost(selection.selectionSet, visiting);
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !visiting.has(name)) cost += selectionCost(fragment.selectionSet, new Set([...visiting, name]));
      }
    }
    return cost;
  };

  const fieldCost = (field: FieldNode, visiting: ReadonlySet<string>): number => {
    // Introspection is allowed or refused as a whole (limits.ts); its deep but bounded tree costs nothing here.
    if (field.name.value === '__schema' || field.name.value === '__type') return 0;
    if (!field.selectionSet) return SCALAR_COST;
    return listSize(field, vars) * (OBJECT_COST + DEPTH_FACTOR * selectionCost(field.selectionSet, visiting));
  };

  return selectionCost(operation.selectionSet, new Set());
}

/** How many items a field may return: its `first`/`last`, a literal or a variable's value. */
function listSize(field: FieldNode, variables: Readonly<Record<string, unknown>>): number {
  const argument = field.arguments?.find((arg) => arg.name.value === 'first' || arg.name.value === 'last');
  const takesPage = field.selectionSet?.selections.some(
    (selection) =>
      selection.kind === Kind.FIELD && (selection.name.value === 'edges' || selection.name.value === 'nodes'),
  );
  if (!argument) return takesPage ? DEFAULT_PAGE_SIZE : 1;
  const value = intValue(argument.value, variables);
  // null or absent means the default page; anything unusable is refused by the resolver anyway.
  return value == null ? DEFAULT_PAGE_SIZE : Math.max(1, value);
}

function intValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): number | null {
  if (node.kind === Kind.INT) return Number.parseInt(node.value, 10);
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
  }
  return null;
}
