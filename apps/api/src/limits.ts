import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * What one request may ask for (stated in docs/API.md). Sized for the admin console's deepest screen —
 * an errors page with mapping, coupling and job — with room to spare, and far below what would hurt.
 */
export const LIMITS = {
  /** Bytes of an HTTP request body (HTTP 413 above). */
  maxRequestBodyBytes: 100_000,
  /** Lexer tokens of a document. */
  maxTokens: 2_000,
  /** Nesting of selections (fragments flattened). */
  maxDepth: 12,
  /** Aliased fields in a document. */
  maxAliases: 15,
  /** Directives in a document. */
  maxDirectives: 20,
  /** graphql-armor cost: 2 per object, 1 per scalar, ×1.5 per level, × `first` of a list (a rich page of 50 errors ≈ 7,500). */
  maxCost: 20_000,
} as const;

/** graphql-armor's limits, with their messages kept (a client should know which limit it hit). */
export function limitPlugins(): Plugin[] {
  return [
    maxTokensPlugin({ n: LIMITS.maxTokens, exposeLimits: true }),
    maxDepthPlugin({ n: LIMITS.maxDepth, exposeLimits: true, flattenFragments: true }),
    maxAliasesPlugin({ n: LIMITS.maxAliases, exposeLimits: true }),
    maxDirectivesPlugin({ n: LIMITS.maxDirectives, exposeLimits: true }),
    costLimitPlugin({ maxCost: LIMITS.maxCost, exposeLimits: true }),
  ] as Plugin[];
}

/**
 * Refuses `__schema` / `__type` (production default): the schema is for developers, not for scanners.
 * Validation's "Did you mean …?" hints would hand the schema out field by field, so they go too.
 */
export function disableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(result.map((error) => withoutSuggestions(error)));
      };
    },
  };
}

function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(/\s*Did you mean .*\?$/s, '');
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
