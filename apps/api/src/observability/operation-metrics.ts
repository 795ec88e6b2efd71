import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

/** Distinct operation names kept as label values; later ones are counted as `other`. */
const MAX_OPERATION_NAMES = 200;

interface OperationParams {
  operationName?: string;
  operationType?: string;
  errorPhase?: string;
}

/**
 * Operation names as a label, bounded: a name is chosen by the client, and every new one is a new series
 * in Prometheus' memory, so a caller with any key could otherwise grow it without end. The console's
 * operations (a few dozen, named) fit well within the bound.
 */
function boundedNames(limit: number): (name: string | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    const value = name || 'Anonymous';
    if (seen.has(value)) return value;
    if (seen.size >= limit) return 'other';
    seen.add(value);
    return value;
  };
}

/**
 * Yoga's Prometheus plugin for operation timings: operations counted and timed (parse to the end of
 * execution) by type and name, and errors by phase. Its own `/metrics` endpoint is off — the gate serves
 * that path with its access check. Left out: the per-request HTTP histogram (its `url` label holds a GET's
 * query string, i.e. the operation and its variables), per-phase and per-resolver timings.
 */
export function useOperationMetrics(registry: Registry): Plugin {
  const name = boundedNames(MAX_OPERATION_NAMES);
  const labels = (params: OperationParams) => ({
    operationType: params.operationType ?? 'unknown',
    operationName: name(params.operationName),
  });
  return usePrometheus({
    registry,
    endpoint: false,
    skipIntrospection: true,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_request',
          help: 'GraphQL operations executed, by type and name.',
          labelNames: ['operationType', 'operationName'],
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'Time from parse to the end of execution of GraphQL operations, in seconds, by type and name.',
          labelNames: ['operationType', 'operationName'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'Errors in GraphQL results, by phase (parse, validate, context, execute, subscribe), type and name.',
          labelNames: ['operationType', 'operationName', 'phase'],
        },
        fillLabelsFn: (params: OperationParams) => ({ ...labels(params), phase: params.errorPhase ?? 'unknown' }),
      }),
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
      graphql_yoga_http_duration: false,
    },
  }) as Plugin;
}
