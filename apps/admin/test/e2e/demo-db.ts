import { join } from 'node:path';
import Database from 'libsql';

type Db = InstanceType<typeof Database>;

/** A row as plain values: libsql adds a `_metadata` (statement timings) that would break equality checks. */
export function plainRow<T>(row: unknown): T | undefined {
  if (row === undefined || row === null) return undefined;
  const { _metadata: _timings, ...values } = row as Record<string, unknown>;
  return values as T;
}

export function plainRows<T>(rows: unknown[]): T[] {
  return rows.map((row) => plainRow<T>(row)!);
}

/**
 * The demo's two apps as a person using them would change them: straight SQL on their SQLite files
 * (apps/api/src/demo/demo-apps.ts: the ERP's `customer`, the CRM's `account`), while `tandem start` runs.
 */
export interface DemoApps {
  erp: Db;
  crm: Db;
  close(): void;
}

export function openDemoApps(dataDir: string): DemoApps {
  const open = (file: string) => {
    const db = new Database(join(dataDir, 'demo', file));
    // The API and the demo's activity simulator write these files too: wait for them, never fail on a lock.
    db.exec('pragma busy_timeout = 20000');
    return db;
  };
  const erp = open('erp.sqlite');
  const crm = open('crm.sqlite');
  return {
    erp,
    crm,
    close: () => {
      erp.close();
      crm.close();
    },
  };
}

/** One customer that exists in both apps with the same values; `localId` is the ERP id, as couplings keep it. */
export interface CustomerPair {
  localId: string;
  integrationId: string;
  email: string;
}

export interface ErpCustomer {
  id: number;
  name: string;
  email: string | null;
  city: string | null;
  phone: string | null;
}

export interface CrmAccount {
  accountid: string;
  name: string;
  emailaddress1: string | null;
  address1_city: string | null;
  telephone1: string | null;
  erp_id: string | null;
}

/**
 * `count` customers created in both apps by hand, equal in every mapped field, so that the next
 * customers job couples them by their e-mail (the mapping's match field) and writes nothing. The CRM
 * copies carry no `erp_id`: the activity simulator only renames or deletes accounts that have one, so
 * these records change only when a test changes them.
 */
export function createCustomerPairs(apps: DemoApps, tag: string, count: number): CustomerPair[] {
  const pairs: CustomerPair[] = [];
  const now = new Date();
  const values = (n: number) => ({
    name: `Triage ${tag} ${n}`,
    email: `triage.${tag}.${n}@e2e.test`,
    city: 'Bergen',
    phone: `+47 555 ${String(n).padStart(5, '0')}`,
  });
  apps.erp
    .transaction(() => {
      const insert = apps.erp.prepare(
        'insert into customer (name, email, city, phone, modified_at) values (?, ?, ?, ?, ?)',
      );
      for (let n = 1; n <= count; n++) {
        const v = values(n);
        const { lastInsertRowid } = insert.run(v.name, v.email, v.city, v.phone, now.toISOString());
        pairs.push({ localId: String(lastInsertRowid), integrationId: `triage-${tag}-${n}`, email: v.email });
      }
    })
    .immediate();
  apps.crm
    .transaction(() => {
      const insert = apps.crm.prepare(
        'insert into account (accountid, name, emailaddress1, address1_city, telephone1, modifiedon) values (?, ?, ?, ?, ?, ?)',
      );
      for (let n = 1; n <= count; n++) {
        const v = values(n);
        insert.run(`triage-${tag}-${n}`, v.name, v.email, v.city, v.phone, now.getTime());
      }
    })
    .immediate();
  return pairs;
}

/** Renames records on both sides, one transaction per app: the next job sees the name changed on both. */
export function renameOnBothSides(
  apps: DemoApps,
  pairs: readonly CustomerPair[],
  names: (pair: CustomerPair) => { local: string; integration: string },
): void {
  renameLocal(
    apps,
    pairs.map((pair) => ({ pair, name: names(pair).local })),
  );
  renameIntegration(
    apps,
    pairs.map((pair) => ({ pair, name: names(pair).integration })),
  );
}

export function renameLocal(apps: DemoApps, renames: readonly { pair: CustomerPair; name: string }[]): void {
  const at = new Date().toISOString();
  apps.erp
    .transaction(() => {
      const update = apps.erp.prepare('update customer set name = ?, modified_at = ? where id = ?');
      for (const { pair, name } of renames) update.run(name, at, Number(pair.localId));
    })
    .immediate();
}

export function renameIntegration(apps: DemoApps, renames: readonly { pair: CustomerPair; name: string }[]): void {
  const at = Date.now();
  apps.crm
    .transaction(() => {
      const update = apps.crm.prepare('update account set name = ?, modifiedon = ? where accountid = ?');
      for (const { pair, name } of renames) update.run(name, at, pair.integrationId);
    })
    .immediate();
}

/**
 * The CRM deletes the account while the ERP edits its customer (as the simulator's people do): the
 * customer's change makes the next job look at the coupling and find its other record gone.
 */
export function deleteInIntegration(apps: DemoApps, pair: CustomerPair, newLocalName: string): void {
  apps.crm.prepare('delete from account where accountid = ?').run(pair.integrationId);
  renameLocal(apps, [{ pair, name: newLocalName }]);
}

/** The ERP deletes the customer while the CRM edits its account. */
export function deleteLocally(apps: DemoApps, pair: CustomerPair, newIntegrationName: string): void {
  apps.erp.prepare('delete from customer where id = ?').run(Number(pair.localId));
  renameIntegration(apps, [{ pair, name: newIntegrationName }]);
}

export function erpCustomer(apps: DemoApps, id: string | number): ErpCustomer | undefined {
  return plainRow(apps.erp.prepare('select id, name, email, city, phone from customer where id = ?').get(Number(id)));
}

export function crmAccount(apps: DemoApps, accountid: string): CrmAccount | undefined {
  return plainRow(
    apps.crm
      .prepare(
        'select accountid, name, emailaddress1, address1_city, telephone1, erp_id from account where accountid = ?',
      )
      .get(accountid),
  );
}

export function erpCustomersByEmail(apps: DemoApps, email: string): ErpCustomer[] {
  return plainRows(
    apps.erp.prepare('select id, name, email, city, phone from customer where email = ? order by id').all(email),
  );
}

export function crmAccountsByEmail(apps: DemoApps, email: string): CrmAccount[] {
  return plainRows(
    apps.crm
      .prepare(
        'select accountid, name, emailaddress1, address1_city, telephone1, erp_id from account where emailaddress1 = ? order by accountid',
      )
      .all(email),
  );
}
