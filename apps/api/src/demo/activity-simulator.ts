import { join, resolve } from 'node:path';
import Database from 'libsql';
import { type CrmRow, CrmUser, type CrmUserCredentials } from './crm-user.js';

type Db = InstanceType<typeof Database>;

const CITIES = ['Oslo', 'Bergen', 'Trondheim', 'Stavanger', 'Tromsø', 'Aarhus', 'Malmö', 'Turku'];

/**
 * Makes the demo apps look used: every few seconds people edit, create and delete records on both sides,
 * sometimes the same record on both sides (an update conflict), sometimes a record deleted on one side
 * and edited on the other (a deletion), sometimes a value the other app rejects (a failed write). So a
 * newcomer sees every kind of error appear live and can triage it.
 *
 * Given the demo's Dataverse (a CRM person's credentials), someone also works in its accounts through the
 * Web API over HTTP — PATCH, POST, DELETE on `/api/data/v9.2/accounts`, as another CRM user — while the
 * ERP's companies change too.
 */
export class DemoActivitySimulator {
  private timer: NodeJS.Timeout | null = null;
  private readonly erp: Db;
  private readonly crm: Db;
  private tick = 0;
  private readonly dataverse: CrmUser | null;
  private dataverseTick = 0;
  private dataverseRound: Promise<void> | null = null;
  private stopped = false;

  constructor(
    dataDir: string,
    private readonly everyMs = 4000,
    private readonly random: () => number = Math.random,
    dataverse?: CrmUserCredentials,
  ) {
    const dir = join(resolve(dataDir), 'demo');
    this.erp = new Database(join(dir, 'erp.sqlite'));
    this.crm = new Database(join(dir, 'crm.sqlite'));
    for (const db of [this.erp, this.crm]) db.exec('pragma journal_mode = WAL; pragma busy_timeout = 5000');
    this.dataverse = dataverse ? new CrmUser(dataverse) : null;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.step();
      void this.stepDataverse();
    }, this.everyMs);
    this.timer.unref();
  }

  /** Stops the rounds; resolves once a Web API round under way has ended and the app files are closed. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.stopped) return;
    this.stopped = true;
    await this.dataverseRound;
    this.erp.close();
    this.crm.close();
  }

  /** One round of activity; public so that a test can drive it without waiting. */
  step(): void {
    this.tick++;
    try {
      this.editSome(3);
      if (this.tick % 2 === 0) this.createCustomer();
      if (this.tick % 3 === 0) this.conflict();
      if (this.tick % 5 === 0) this.deleteOnOneSide();
      if (this.tick % 7 === 0) this.rejectedWrite();
      this.contactActivity();
    } catch {
      // A busy file or a record that vanished between two statements: the next round tries again.
    }
  }

  /**
   * One round of a CRM person's work in the demo's Dataverse, over HTTP: a few accounts edited, and in
   * turn a coupled account renamed while the ERP renames its company (an update conflict), a new account,
   * a coupled account deleted while the ERP edits its company (a deletion). Nothing without the demo's
   * Dataverse; a round still under way is not doubled; a refusal (a 429 from service protection, a record
   * gone meanwhile) ends the round, and the next one tries again. Public so that a test can drive it.
   */
  stepDataverse(): Promise<void> {
    if (!this.dataverse || this.stopped) return Promise.resolve();
    this.dataverseRound ??= this.dataverseActivity(this.dataverse)
      .catch(() => {})
      .finally(() => {
        this.dataverseRound = null;
      });
    return this.dataverseRound;
  }

  private async dataverseActivity(person: CrmUser): Promise<void> {
    this.dataverseTick++;
    const tick = this.dataverseTick;
    const accounts = await person.list('accounts', ['accountid', 'erp_id']);
    for (let i = 0; i < 2; i++) {
      const account = this.pick(accounts);
      if (!account) break;
      const change: CrmRow =
        i === 0
          ? { telephone1: `+46 70 ${Math.floor(this.random() * 1e7)}` }
          : { address1_city: this.pick(CITIES) ?? 'Oslo' };
      await person.update('accounts', String(account.accountid), change);
    }
    const coupled = accounts.filter((a) => a.erp_id !== null && a.erp_id !== undefined);
    if (tick % 3 === 0) {
      const account = this.pick(coupled);
      if (account) {
        const erpId = Number(account.erp_id);
        this.erp
          .prepare('update company set name = ?, modified_at = ? where id = ?')
          .run(`${this.pick(['Nordic', 'Baltic', 'Alpine'])} Holding ${erpId}`, this.erpNow(), erpId);
        await person.update('accounts', String(account.accountid), {
          name: `${this.pick(['Polar', 'Fjord', 'Harbour'])} Partners ${erpId}`,
        });
      }
    }
    if (tick % 4 === 0) {
      const n = Math.floor(this.random() * 1e6);
      await person.create('accounts', {
        name: `Prospect ${n}`,
        emailaddress1: `hello${n}@prospect${n}.example`,
        address1_city: this.pick(CITIES) ?? 'Oslo',
        numberofemployees: 5 + (n % 200),
      });
    }
    if (tick % 5 === 0) {
      const account = this.pick(coupled);
      if (account) {
        await person.remove('accounts', String(account.accountid));
        this.erp
          .prepare('update company set phone = ?, modified_at = ? where id = ?')
          .run('+47 22 00 00 00', this.erpNow(), Number(account.erp_id));
      }
    }
  }

  private pick<T>(items: T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  private erpNow(): string {
    return new Date().toISOString();
  }

  private editSome(count: number): void {
    for (let i = 0; i < count; i++) {
      const row = this.erp.prepare('select id from customer order by random() limit 1').get() as
        | { id: number }
        | undefined;
      if (row) {
        this.erp
          .prepare('update customer set city = ?, modified_at = ? where id = ?')
          .run(this.pick(CITIES), this.erpNow(), row.id);
      }
      const account = this.crm.prepare('select accountid from account order by random() limit 1').get() as
        | { accountid: string }
        | undefined;
      if (account) {
        this.crm
          .prepare('update account set telephone1 = ?, modifiedon = ? where accountid = ?')
          .run(`+47 9${Math.floor(this.random() * 1e7)}`, Date.now(), account.accountid);
      }
    }
  }

  private createCustomer(): void {
    const n = Math.floor(this.random() * 1e6);
    this.erp
      .prepare('insert into customer (name, email, city, phone, modified_at) values (?, ?, ?, ?, ?)')
      .run(`New customer ${n}`, `new${n}@example.com`, this.pick(CITIES), null, this.erpNow());
  }

  /** The same coupled record renamed on both sides before the next job. */
  private conflict(): void {
    const account = this.crm
      .prepare('select accountid, erp_id from account where erp_id is not null order by random() limit 1')
      .get() as { accountid: string; erp_id: string } | undefined;
    if (!account) return;
    this.erp
      .prepare('update customer set name = ?, modified_at = ? where id = ?')
      .run(
        `${this.pick(['Nordic', 'Baltic', 'Alpine'])} Trading ${account.erp_id}`,
        this.erpNow(),
        Number(account.erp_id),
      );
    this.crm
      .prepare('update account set name = ?, modifiedon = ? where accountid = ?')
      .run(`${this.pick(['Polar', 'Fjord', 'Harbour'])} Group ${account.erp_id}`, Date.now(), account.accountid);
  }

  /** A coupled account deleted in the CRM while the ERP customer is edited. */
  private deleteOnOneSide(): void {
    const account = this.crm
      .prepare('select accountid, erp_id from account where erp_id is not null order by random() limit 1')
      .get() as { accountid: string; erp_id: string } | undefined;
    if (!account) return;
    this.crm.prepare('delete from account where accountid = ?').run(account.accountid);
    this.erp
      .prepare('update customer set phone = ?, modified_at = ? where id = ?')
      .run('+47 22 00 00 00', this.erpNow(), Number(account.erp_id));
  }

  /** The CRM's people update contacts; now and then the ERP deletes one (the coupling is then removed). */
  private contactActivity(): void {
    const contact = this.crm.prepare('select contactid from contact order by random() limit 1').get() as
      | { contactid: string }
      | undefined;
    if (contact) {
      this.crm
        .prepare('update contact set jobtitle = ?, modifiedon = ? where contactid = ?')
        .run(this.pick(['Buyer', 'CEO', 'Controller', 'Purchaser']), Date.now(), contact.contactid);
    }
    if (this.tick % 6 === 0) {
      const local = this.erp.prepare('select no from contact order by random() limit 1').get() as
        | { no: number }
        | undefined;
      if (local) this.erp.prepare('delete from contact where no = ?').run(local.no);
    }
  }

  /** A product name longer than the ERP's item description allows: the write is rejected. */
  private rejectedWrite(): void {
    const n = Math.floor(this.random() * 1e6);
    this.crm
      .prepare('insert into product (productid, name, price, modifiedon) values (?, ?, ?, ?)')
      .run(`crm-p-${n}`, `Premium service agreement with extended hours ${n}`, 100 + (n % 900), Date.now());
  }
}
