import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { type ExecutionArgs, GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { findControlCharacter } from './graphql/control-characters.js';
import { operationCost } from './graphql/operation-cost.js';

/**
 * What one request may ask for (stated in docs/API.md and docs/SECURITY.md). Sized for the admin console's
 * deepest screen — an errors page with mapping, coupling and job — with room to spare, and far below what
 * would hurt.
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
  /**
   * Cost of an operation with its variables' values (operation-cost.ts): 2 per object, 1 per scalar, ×1.5
   * per level, × `first` of a list (50 when a connection names none). The console's costliest screen, a
   * record's log at its largest page (200 entries), costs ≈ 25,000; 15 aliased pages of jobs with their logs, millions.
   */
  maxCost: 40_000,
} as const;

/** Per-key limits that a config file may change (`limits:` in tandem.config.yaml). */
export interface KeyLimits {
  /** Requests (HTTP operations and WebSocket operations) per minute per API key; HTTP 429 above. */
  requestsPerMinutePerKey: number;
  /** Subscriptions open at once per API key, over SSE and WebSocket together. */
  subscriptionsPerKey: number;
}

export const DEFAULT_KEY_LIMITS: KeyLimits = { requestsPerMinutePerKey: 600, subscriptionsPerKey: 50 };

/** graphql-armor's document limits (checked at validation, before anything runs), with their messages kept. */
export function limitPlugins(): Plugin[] {
  return [
    maxTokensPlugin({ n: LIMITS.maxTokens, exposeLimits: true }),
    maxDepthPlugin({ n: LIMITS.maxDepth, exposeLimits: true, flattenFragments: true }),
    maxAliasesPlugin({ n: LIMITS.maxAliases, exposeLimits: true }),
    maxDirectivesPlugin({ n: LIMITS.maxDirectives, exposeLimits: true }),
  ] as Plugin[];
}

/**
 * Checks that need the variables' values, run after validation and before any resolver (queries,
 * mutations and subscriptions alike, over HTTP, SSE and WebSocket): no control characters in any string,
 * and the operation's cost with `first: $n` counted as what `$n` is.
 */
export function operationGuard(): Plugin {
  const refusal = (args: ExecutionArgs): GraphQLError | null => {
    const where = findControlCharacter(args.document, args.variableValues);
    if (where) {
      return new GraphQLError(`${where}: control characters are not allowed`, {
        extensions: { code: 'INVALID_INPUT' },
      });
    }
    const cost = operationCost(args.document, args.operationName, args.variableValues);
    if (cost > LIMITS.maxCost) {
      return new GraphQLError(`Query Cost limit of ${LIMITS.maxCost} exceeded, found ${Math.ceil(cost)}.`, {
        extensions: { code: 'COST_LIMIT' },
      });
    }
    return null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/** Refuses `__schema` / `__type` (production default): the schema is for developers, not for scanners. */
export function disableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/** Takes the hints out of validation errors (those never pass through error masking; yoga.ts does the rest). */
export function hideValidationSuggestions(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(result.map((error) => withoutSuggestionsError(error)));
      };
    },
  };
}

export function withoutSuggestionsError(error: GraphQLError): GraphQLError {
  const message = withoutSuggestions(error.message);
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

/**
 * "Did you mean …?" hints — in validation and in variable coercion ("Did you mean the enum value
 * "ADMIN"?") — would hand the schema out field by field to someone without introspection.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/gs, '');
}
