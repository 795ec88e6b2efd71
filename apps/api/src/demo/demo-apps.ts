import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'libsql';
import type { TandemConfig } from '../config/config.schema.js';
import { parseConfig } from '../config/load-config.js';
import { DEMO_MATCHED_ACCOUNTS, type DemoDataverseConnector } from './demo-dataverse.js';

/**
 * The demo: two small apps as SQLite files — an ERP with customers, contacts, items and companies, a CRM with
 * accounts, contacts and products — and three mappings with different directions and policies. Some CRM accounts share an e-mail with an ERP customer (they
 * couple by match), one CRM product name is too long for the ERP (a rejected write), so a newcomer sees
 * coupling, inserts and errors on the first run.
 *
 * Given the demo's Dataverse (the emulator `startDemo` runs, demo-dataverse.ts), a fourth mapping,
 * `companies`, syncs the ERP's companies with its `accounts` over the Web API.
 */
export function demoConfig(dataDir: string, dataverse?: DemoDataverseConnector): TandemConfig {
  const dir = resolve(dataDir);
  return parseConfig({
    database: { url: `sqlite:${join(dir, 'tandem.sqlite')}` },
    connectors: {
      erp: { type: 'sql', url: `sqlite:${join(dir, 'demo', 'erp.sqlite')}` },
      crm: { type: 'sql', url: `sqlite:${join(dir, 'demo', 'crm.sqlite')}` },
      ...(dataverse ? { dataverse } : {}),
    },
    mappings: [
      {
        name: 'customers',
        local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
        integration: {
          connector: 'crm',
          table: 'account',
          id: 'accountid',
          modifiedOn: 'modifiedon',
          externalKey: 'erp_id',
        },
        direction: 'BIDIRECTIONAL',
        scheduleSeconds: 15,
        fields: [
          { local: 'name', integration: 'name' },
          { local: 'email', integration: 'emailaddress1', match: true },
          { local: 'city', integration: 'address1_city' },
          { local: 'phone', integration: 'telephone1' },
        ],
      },
      {
        name: 'items',
        local: { connector: 'erp', table: 'item', id: 'no', modifiedOn: 'modified_at' },
        integration: {
          connector: 'crm',
          table: 'product',
          id: 'productid',
          modifiedOn: 'modifiedon',
          externalKey: 'erp_no',
        },
        direction: 'BIDIRECTIONAL',
        updateConflictResolution: 'SEND_UPDATE_TO_INTEGRATION',
        scheduleSeconds: 30,
        fields: [
          { local: 'description', integration: 'name' },
          { local: 'unit_price', integration: 'price' },
        ],
      },
      {
        // The CRM owns contacts: they flow one way, its edits win, and a contact deleted in the ERP is
        // simply uncoupled (the CRM keeps it).
        name: 'contacts',
        local: { connector: 'erp', table: 'contact', id: 'no', modifiedOn: 'modified_at' },
        integration: { connector: 'crm', table: 'contact', id: 'contactid', modifiedOn: 'modifiedon' },
        direction: 'FROM_INTEGRATION',
        updateConflictResolution: 'GET_UPDATE_FROM_INTEGRATION',
        deletionConflictResolution: 'REMOVE_COUPLING',
        scheduleSeconds: 20,
        fields: [
          { local: 'full_name', integration: 'fullname' },
          { local: 'email', integration: 'emailaddress1', match: true },
          { local: 'job_title', integration: 'jobtitle' },
        ],
      },
      ...(dataverse ? [COMPANIES_MAPPING] : []),
    ],
  });
}

/**
 * The ERP's companies ↔ the Dataverse emulator's accounts, both ways: `erp_id` (an alternate key there)
 * holds the ERP id, so an insert is an upsert that cannot create a second copy; conflicts and deletions
 * are left to you.
 */
const COMPANIES_MAPPING = {
  name: 'companies',
  local: { connector: 'erp', table: 'company', id: 'id', modifiedOn: 'modified_at' },
  integration: {
    connector: 'dataverse',
    table: 'accounts',
    id: 'accountid',
    modifiedOn: 'modifiedon',
    externalKey: 'erp_id',
  },
  direction: 'BIDIRECTIONAL',
  scheduleSeconds: 20,
  fields: [
    { local: 'name', integration: 'name' },
    { local: 'email', integration: 'emailaddress1', match: true },
    { local: 'city', integration: 'address1_city' },
    { local: 'phone', integration: 'telephone1' },
    { local: 'employees', integration: 'numberofemployees' },
  ],
};

/** ERP companies: the first `DEMO_MATCHED_ACCOUNTS` exist in the demo's Dataverse too. */
export const DEMO_COMPANIES = 300;

const CITIES = ['Oslo', 'Bergen', 'Trondheim', 'Stavanger', 'Tromsø', 'Aarhus', 'Malmö', 'Turku'];

/** Creates and seeds the two demo apps unless they exist (a restart keeps their state). */
export function ensureDemoApps(dataDir: string): void {
  const dir = join(resolve(dataDir), 'demo');
  mkdirSync(dir, { recursive: true });
  const erpPath = join(dir, 'erp.sqlite');
  const crmPath = join(dir, 'crm.sqlite');
  if (existsSync(erpPath) && existsSync(crmPath)) {
    // A demo folder from before the companies mapping gets its table now.
    ensureCompanies(erpPath);
    return;
  }

  const now = Date.now();
  const erp = new Database(erpPath);
  erp.exec(`pragma journal_mode = WAL;
    create table customer (id integer primary key autoincrement, name text not null, email text, city text,
      phone text, modified_at text not null);
    create index customer_changes on customer (modified_at, id);
    create table item (no text primary key, description text not null check (length(description) <= 30),
      unit_price real, modified_at text not null);
    create index item_changes on item (modified_at, no);
    create table contact (no integer primary key autoincrement, full_name text not null, email text,
      job_title text, modified_at text not null);
    create index contact_changes on contact (modified_at, no);
    create index contact_email on contact (lower(email));`);
  const crm = new Database(crmPath);
  crm.exec(`pragma journal_mode = WAL;
    create table account (accountid text primary key, name text not null, emailaddress1 text, address1_city text,
      telephone1 text, erp_id text, modifiedon integer not null);
    create index account_changes on account (modifiedon, accountid);
    create table product (productid text primary key, name text not null, price real, erp_no text,
      modifiedon integer not null);
    create index product_changes on product (modifiedon, productid);
    create table contact (contactid text primary key, fullname text not null, emailaddress1 text, jobtitle text,
      modifiedon integer not null);
    create index contact_changes on contact (modifiedon, contactid);`);

  const seed = erp.transaction(() => {
    const customer = erp.prepare('insert into customer (name, email, city, phone, modified_at) values (?, ?, ?, ?, ?)');
    for (let i = 1; i <= 2000; i++) {
      customer.run(
        `Customer ${i}`,
        `customer${i}@example.com`,
        CITIES[i % CITIES.length],
        `+47 400 ${String(i).padStart(5, '0')}`,
        new Date(now - 60_000 + i).toISOString(),
      );
    }
    const item = erp.prepare('insert into item (no, description, unit_price, modified_at) values (?, ?, ?, ?)');
    for (let i = 1; i <= 300; i++)
      item.run(`I-${String(i).padStart(4, '0')}`, `Item ${i}`, 10 + (i % 90), new Date(now - 60_000 + i).toISOString());
  });
  seed();
  const seedCrm = crm.transaction(() => {
    const account = crm.prepare(
      'insert into account (accountid, name, emailaddress1, address1_city, telephone1, modifiedon) values (?, ?, ?, ?, ?, ?)',
    );
    // 200 accounts that exist in the ERP too (same e-mail, different capitalisation): coupled by match.
    for (let i = 1; i <= 200; i++)
      account.run(
        `crm-${i}`,
        `Customer ${i} AS`,
        `Customer${i}@Example.com`,
        CITIES[i % CITIES.length],
        null,
        now - 50_000 + i,
      );
    // 300 accounts only the CRM has: inserted into the ERP.
    for (let i = 1; i <= 300; i++)
      account.run(
        `crm-lead-${i}`,
        `Lead ${i}`,
        `lead${i}@example.org`,
        CITIES[(i + 3) % CITIES.length],
        null,
        now - 50_000 + i,
      );
    const contact = crm.prepare(
      'insert into contact (contactid, fullname, emailaddress1, jobtitle, modifiedon) values (?, ?, ?, ?, ?)',
    );
    const titles = ['Buyer', 'CFO', 'Office manager', 'Head of IT', 'Sales lead'];
    for (let i = 1; i <= 1500; i++) {
      contact.run(`crm-c-${i}`, `Contact ${i}`, `contact${i}@example.net`, titles[i % titles.length], now - 45_000 + i);
    }
    const product = crm.prepare('insert into product (productid, name, price, modifiedon) values (?, ?, ?, ?)');
    product.run('crm-p-1', 'Consulting hour', 120, now - 40_000);
    // Too long for the ERP's item description: the write is rejected and shows up as an error to triage.
    product.run('crm-p-2', 'Extended premium support contract (24/7)', 990, now - 40_000);
  });
  seedCrm();
  erp.close();
  crm.close();
  ensureCompanies(erpPath);
}

/**
 * The ERP's `company` table, created and seeded unless it exists: companies synchronized with the demo's
 * Dataverse. One has a name longer than Dataverse's 160 characters: its insert there is refused
 * (0x80044331), an error to triage.
 */
function ensureCompanies(erpPath: string): void {
  const erp = new Database(erpPath);
  try {
    erp.exec('pragma busy_timeout = 5000');
    const exists = erp.prepare("select 1 from sqlite_master where type = 'table' and name = 'company'").get();
    if (exists) return;
    const now = Date.now();
    erp.transaction(() => {
      erp.exec(`create table company (id integer primary key autoincrement, name text not null, email text,
          city text, phone text, employees integer, modified_at text not null);
        create index company_changes on company (modified_at, id);
        create index company_email on company (lower(email));`);
      const company = erp.prepare(
        'insert into company (name, email, city, phone, employees, modified_at) values (?, ?, ?, ?, ?, ?)',
      );
      for (let i = 1; i <= DEMO_COMPANIES; i++) {
        company.run(
          i <= DEMO_MATCHED_ACCOUNTS ? `Company ${i} Group` : `Company ${i}`,
          `office${i}@company${i}.example`,
          CITIES[i % CITIES.length],
          `+47 22 ${String(10000 + i)}`,
          10 + ((i * 7) % 490),
          new Date(now - 60_000 + i).toISOString(),
        );
      }
      company.run(
        `Consolidated ${'Northern '.repeat(18)}Holding`,
        'office@consolidated.example',
        'Oslo',
        null,
        1200,
        new Date(now - 60_000).toISOString(),
      );
    })();
  } finally {
    erp.close();
  }
}
