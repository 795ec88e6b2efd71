import { type ApiProcess, requireConsoleBuild, startApi } from './api-process';
import { type DemoApps, openDemoApps } from './demo-db';
import { openStore, type Store } from './triage-store';
import { databaseId, mappingIdByName, runOnlyByHand } from './triage-sync';

/** A `tandem start` demo for the triage tests, with its store and apps open and `customers` run by hand only. */
export interface TriageDemo {
  api: ApiProcess;
  store: Store;
  apps: DemoApps;
  /** The customers mapping's GraphQL id and its database id. */
  customers: string;
  customersId: number;
  close(): Promise<void>;
}

/**
 * Starts the demo the triage tests share: the built console served by a real API, Tandem's store and both
 * demo apps opened for the tests' own checks, and the customers mapping's schedule off, so that it runs
 * only when a test asks and the errors a test makes stay as it made them.
 */
export async function startTriageDemo(): Promise<TriageDemo> {
  requireConsoleBuild();
  const api = await startApi();
  const store = openStore(api.dataDir);
  const apps = openDemoApps(api.dataDir);
  const close = async () => {
    apps.close();
    store.close();
    await api.stop();
  };
  try {
    const customers = await mappingIdByName(api, 'customers');
    await runOnlyByHand(api, customers);
    return { api, store, apps, customers, customersId: databaseId(customers), close };
  } catch (error) {
    // The test's afterAll has no demo to close: stop the API here rather than leave it running.
    await close();
    throw error;
  }
}
