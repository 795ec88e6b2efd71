import type { ActionContext } from '../../src/actions/action-types.js';
import { errorsOf } from './store-queries.js';
import type { SyncFixture } from './sync-fixture.js';

export interface SeededError {
  errorId: number;
  couplingId: number;
  localId: number;
  integrationId: string;
}

/**
 * Four customers, synced, then one error of every kind: an update conflict (Ada), a write the CRM rejects
 * (Bob renamed 'REJECT'), a deleted CRM account (Cleo, changed locally), a deleted ERP customer (Dan,
 * changed in the CRM).
 */
export async function seedErrorOfEveryKind(fx: SyncFixture) {
  for (const name of ['Ada', 'Bob', 'Cleo', 'Dan']) {
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      name,
      `${name.toLowerCase()}@example.com`,
      'Oslo',
      fx.stamp('erp'),
    ]);
  }
  await fx.sync();
  const ids = async (name: string) => {
    const [customer] = await fx.erp.all<{ id: number }>('select id from customer where name = ?', [name]);
    const [account] = await fx.crm.all<{ accountid: string }>('select accountid from account where name = ?', [name]);
    return { localId: customer!.id, integrationId: String(account!.accountid) };
  };
  const ada = await ids('Ada');
  const bob = await ids('Bob');
  const cleo = await ids('Cleo');
  const dan = await ids('Dan');
  const editLocal = (id: number, column: string, value: unknown) =>
    fx.erp.run(`update customer set ${column} = ?, modified_at = ? where id = ?`, [value, fx.stamp('erp'), id]);
  const editCrm = (id: string, column: string, value: unknown) =>
    fx.crm.run(`update account set ${column} = ?, modifiedon = ? where accountid = ?`, [value, fx.stamp('crm'), id]);
  await editLocal(ada.localId, 'name', 'Ada (ERP)');
  await editCrm(ada.integrationId, 'name', 'Ada (CRM)');
  await editLocal(bob.localId, 'name', 'REJECT');
  await fx.crm.run('delete from account where accountid = ?', [cleo.integrationId]);
  await editLocal(cleo.localId, 'city', 'Bergen');
  await fx.erp.run('delete from customer where id = ?', [dan.localId]);
  await editCrm(dan.integrationId, 'address1_city', 'Tromsø');
  await fx.sync();
  const errors = await errorsOf(fx.store, fx.mappingId, 'OPEN');
  const find = (kind: string): SeededError & { kind: string } => {
    const error = errors.find((e) => e.kind === kind);
    if (!error) throw new Error(`no ${kind} error was produced: ${JSON.stringify(errors)}`);
    const pair = {
      UPDATE_CONFLICT: ada,
      WRITE_FAILED: bob,
      INTEGRATION_RECORD_DELETED: cleo,
      LOCAL_RECORD_DELETED: dan,
    }[kind]!;
    return { kind, errorId: error.id, couplingId: error.couplingId!, ...pair };
  };
  return {
    conflict: find('UPDATE_CONFLICT'),
    writeFailed: find('WRITE_FAILED'),
    integrationDeleted: find('INTEGRATION_RECORD_DELETED'),
    localDeleted: find('LOCAL_RECORD_DELETED'),
  };
}

export function actionContext(fx: SyncFixture, actor = 'alice'): ActionContext {
  return { store: fx.store, connectors: fx.connectors, events: fx.events, actor };
}
