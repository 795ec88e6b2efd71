import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type EmulatorSchema, type RunningEmulator, startDataverseEmulator } from '@tandem/dataverse-emulator';
import { type CrmRow, CrmUser, type CrmUserCredentials } from './crm-user.js';

/**
 * The demo's Dataverse: the project's emulator (packages/dataverse-emulator, a real HTTP server over SQLite)
 * started in this process on a free loopback port, with an `accounts` table shaped like Dataverse's (change
 * tracking on, `erp_id` an alternate key) and service protection limits scaled down — 300 requests per 10 s,
 * 52 at once — with 20 ms of latency per request, so that a newcomer sees paging, ETags and throttling at
 * work. Its data is a SQLite file beside the demo's other apps (`data/demo/dataverse.sqlite`): a restart
 * keeps the records, as it keeps the couplings that name them.
 */
export const DEMO_DATAVERSE_SCHEMA: EmulatorSchema = {
  entitySets: [
    {
      name: 'accounts',
      key: 'accountid',
      logicalName: 'account',
      columns: [
        { name: 'name', type: 'string', maxLength: 160, required: true },
        { name: 'emailaddress1', type: 'string', maxLength: 100 },
        { name: 'address1_city', type: 'string', maxLength: 80 },
        { name: 'telephone1', type: 'string', maxLength: 50 },
        { name: 'numberofemployees', type: 'int' },
        { name: 'erp_id', type: 'string', maxLength: 40 },
      ],
      alternateKeys: [['erp_id']],
      changeTracking: true,
    },
  ],
};

/** Scaled service protection: Dataverse allows 6,000 requests per 300 s; the demo 300 per 10 s. */
export const DEMO_DATAVERSE_LIMITS = { windowSeconds: 10, requestsPerWindow: 300, concurrent: 52 };
export const DEMO_DATAVERSE_FAULTS = { latencyMs: 20 };

/**
 * Two users of the CRM, each with its own service protection budget (Dataverse counts per user): Tandem's
 * application user, and a person (the activity simulator, or you with curl) working in the CRM meanwhile.
 */
const TANDEM_CLIENT = { clientId: 'tandem-demo', clientSecret: 'demo-sync-secret' };
const PERSON_CLIENT = { clientId: 'crm-person', clientSecret: 'demo-person-secret' };

/** The ERP companies that also exist in the CRM (same e-mail in other capitals): coupled by match. */
export const DEMO_MATCHED_ACCOUNTS = 100;
/** Accounts only the CRM has: the first job inserts them into the ERP. */
export const DEMO_PROSPECT_ACCOUNTS = 150;

const CITIES = ['Oslo', 'Bergen', 'Trondheim', 'Stavanger', 'Tromsø', 'Aarhus', 'Malmö', 'Turku'];

/** What the demo's `connectors.dataverse` says: `type: dataverse`, the emulator's URL and Tandem's client. */
export interface DemoDataverseConnector {
  type: 'dataverse';
  url: string;
  auth: { tokenUrl: string; clientId: string; clientSecret: string; scope: string };
  batchSize: number;
  maxWaitSeconds: number;
}

export interface DemoDataverse {
  emulator: RunningEmulator;
  /** The connector config that reaches the emulator as Tandem's application user. */
  connector: DemoDataverseConnector;
  /** The credentials of the CRM person (not Tandem): what the activity simulator and curl use. */
  person: CrmUserCredentials;
  /** Closes the emulator (its port and its file); a second call does nothing. */
  close(): Promise<void>;
}

/** Starts the demo's Dataverse emulator on 127.0.0.1 and a free port, seeding its accounts on the first start. */
export async function startDemoDataverse(dataDir: string): Promise<DemoDataverse> {
  const dir = join(resolve(dataDir), 'demo');
  mkdirSync(dir, { recursive: true });
  const database = join(dir, 'dataverse.sqlite');
  const fresh = !existsSync(database);
  const emulator = await startDataverseEmulator({
    schema: structuredClone(DEMO_DATAVERSE_SCHEMA),
    database,
    host: '127.0.0.1',
    port: 0,
    clients: [TANDEM_CLIENT, PERSON_CLIENT],
    limits: DEMO_DATAVERSE_LIMITS,
    faults: DEMO_DATAVERSE_FAULTS,
  });
  const person: CrmUserCredentials = {
    url: emulator.url,
    apiUrl: emulator.apiUrl,
    tokenUrl: emulator.tokenUrl,
    ...PERSON_CLIENT,
  };
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= emulator.close();
    return closing;
  };
  try {
    if (fresh || emulator.rows('accounts').length === 0) await seedAccounts(new CrmUser(person));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    emulator,
    connector: {
      type: 'dataverse',
      url: emulator.url,
      auth: { tokenUrl: emulator.tokenUrl, ...TANDEM_CLIENT, scope: `${emulator.url}/.default` },
      batchSize: 100,
      maxWaitSeconds: 120,
    },
    person,
    close,
  };
}

/** The CRM's accounts, created through the Web API as an import would (a few `$batch` requests). */
async function seedAccounts(person: CrmUser): Promise<void> {
  const rows: CrmRow[] = [];
  for (let i = 1; i <= DEMO_MATCHED_ACCOUNTS; i++) {
    rows.push({
      name: `Company ${i} Group`,
      emailaddress1: `Office${i}@Company${i}.example`,
      address1_city: CITIES[(i + 1) % CITIES.length],
      telephone1: null,
      numberofemployees: 10 + ((i * 7) % 490),
    });
  }
  for (let i = 1; i <= DEMO_PROSPECT_ACCOUNTS; i++) {
    rows.push({
      name: `Prospect ${i}`,
      emailaddress1: `hello${i}@prospect${i}.example`,
      address1_city: CITIES[(i + 5) % CITIES.length],
      telephone1: `+46 8 ${String(100000 + i)}`,
      numberofemployees: 5 + (i % 60),
    });
  }
  await person.createMany('accounts', rows);
}
