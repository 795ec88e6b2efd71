import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SyncJobSnapshot, TableMappingSchema } from '@tandem/sync-core';
import { createApiKey } from '../../src/auth/api-keys.js';
import type { ApiServices } from '../../src/context.js';
import { demoConfig, ensureDemoApps } from '../../src/demo/demo-apps.js';
import { bridgeEvents } from '../../src/pubsub.js';
import { startRuntime, type TandemRuntime } from '../../src/runtime/tandem-runtime.js';
import { type ApiYoga, createApi } from '../../src/yoga.js';

export interface TestApi {
  dir: string;
  runtime: TandemRuntime;
  services: ApiServices;
  yoga: ApiYoga;
  keys: { ADMIN: string; OPERATOR: string; VIEWER: string };
  /** Stored ids of the demo mappings, by name. */
  mappings: Record<string, number>;
  close(): Promise<void>;
}

/** The demo apps and a real SQLite store in a temporary folder, the API over them, a key per role. */
export async function startTestApi(options: { introspection?: boolean } = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-api-'));
  ensureDemoApps(dir);
  const runtime = await startRuntime(demoConfig(dir), { schedules: false });
  const { pubsub, detach } = bridgeEvents(runtime.events);
  const services: ApiServices = {
    store: runtime.store,
    queue: runtime.queue,
    connectors: runtime.connectors,
    events: runtime.events,
    pubsub,
  };
  const yoga = createApi(services, { introspection: options.introspection ?? true });
  const keys = {
    ADMIN: (await createApiKey(runtime.store.em(), 'test-admin', 'ADMIN')).key,
    OPERATOR: (await createApiKey(runtime.store.em(), 'test-operator', 'OPERATOR')).key,
    VIEWER: (await createApiKey(runtime.store.em(), 'test-viewer', 'VIEWER')).key,
  };
  const stored = await runtime.store.em().find(TableMappingSchema, {});
  const mappings = Object.fromEntries(stored.map((m) => [m.name, m.id]));
  return {
    dir,
    runtime,
    services,
    yoga,
    keys,
    mappings,
    async close() {
      detach();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  contentType: string | null;
  body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** POSTs one operation through `yoga.fetch` (no port), as a client following GraphQL over HTTP would. */
export async function gql<T = Record<string, unknown>>(
  api: { yoga: ApiYoga },
  key: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
  };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await api.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() };
}

/** Runs a mapping now through the queue and resolves with the job's final snapshot. */
export function runJob(api: TestApi, mappingId: number): Promise<SyncJobSnapshot> {
  return new Promise((resolve, reject) => {
    let jobId: number | null = null;
    const finished: SyncJobSnapshot[] = [];
    const done = (job: SyncJobSnapshot) => {
      unsubscribe();
      resolve(job);
    };
    const unsubscribe = api.runtime.events.subscribe((event) => {
      if (event.type !== 'syncJobChanged' || event.job.mappingId !== mappingId) return;
      if (!['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(event.job.status)) return;
      if (jobId === null) finished.push(event.job);
      else if (event.job.id === jobId) done(event.job);
    });
    api.runtime.queue.enqueue(mappingId, { trigger: 'MANUAL', requestedBy: 'test' }).then(({ jobId: id }) => {
      jobId = id;
      const early = finished.find((job) => job.id === id);
      if (early) done(early);
    }, reject);
  });
}
