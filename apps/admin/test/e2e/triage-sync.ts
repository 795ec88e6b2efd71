import { type ApiProcess, graphqlRequest, waitFor } from './api-process';
import { jobStatus, type Store } from './triage-store';

/** Global Node id ("SyncError:12", base64) → the database id, and back. */
export function databaseId(globalId: string): number {
  return Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);
}

export function globalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64');
}

export async function mappingIdByName(api: ApiProcess, name: string): Promise<string> {
  const { tableMappings } = await graphqlRequest<{ tableMappings: { id: string; name: string }[] }>(
    api,
    api.adminKey,
    '{ tableMappings { id name } }',
  );
  const mapping = tableMappings.find((m) => m.name === name);
  if (!mapping) throw new Error(`the demo has no mapping named ${name}`);
  return mapping.id;
}

/**
 * Turns a mapping's schedule off (an admin's ordinary change), so that only the jobs a test asks for
 * read its records: a scheduled job landing between the two edits of a conflict would sync the first
 * edit alone and the conflict would never happen.
 */
export async function runOnlyByHand(api: ApiProcess, mappingId: string): Promise<void> {
  const data = await graphqlRequest<{ updateTableMapping: { __typename: string; message?: string } }>(
    api,
    api.adminKey,
    `mutation($id: ID!) { updateTableMapping(id: $id, patch: { scheduleSeconds: 0 }) {
      __typename ... on Error { message } } }`,
    { id: mappingId },
  );
  if (data.updateTableMapping.__typename !== 'UpdateTableMappingPayload') {
    throw new Error(`the schedule was not changed: ${data.updateTableMapping.message}`);
  }
}

const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'];

/**
 * `runSync` as a script runs it, then waits for that job to end. The job returned is one that has not
 * started yet (a new one, or the mapping's waiting one), so it reads the apps as they are now.
 */
export async function runSyncAndWait(api: ApiProcess, store: Store, mappingId: string): Promise<number> {
  const data = await graphqlRequest<{ runSync: { __typename: string; job?: { id: string }; message?: string } }>(
    api,
    api.adminKey,
    `mutation($m: ID!) { runSync(mappingId: $m) {
      __typename ... on RunSyncPayload { job { id } } ... on Error { message } } }`,
    { m: mappingId },
  );
  if (!data.runSync.job) throw new Error(`runSync was refused: ${data.runSync.message}`);
  const jobId = databaseId(data.runSync.job.id);
  await waitForJob(store, jobId);
  return jobId;
}

export async function waitForJob(store: Store, jobId: number): Promise<string> {
  const status = await waitFor(
    `job ${jobId} to finish`,
    async () => {
      const current = jobStatus(store, jobId);
      return current && FINAL.includes(current) ? current : null;
    },
    110_000,
  );
  if (status === 'FAILED' || status === 'CANCELLED') throw new Error(`job ${jobId} ended ${status}`);
  return status;
}
