// Developer aid, not a benchmark: `TANDEM_BENCH_PHASES=1 pnpm bench NAME` prints where a job spends its time
// (connector calls and store writes), by wrapping those methods with timers for the run.
import { DataverseTableConnector } from '../src/connectors/dataverse/dataverse-table.js';
import { DataverseWebApi } from '../src/connectors/dataverse/web-api.js';
import { SqlTableConnector } from '../src/connectors/sql/sql.connector.js';
import { BatchWriter } from '../src/engine/batch-writer.js';
import { CouplingRepository } from '../src/repositories/coupling.repository.js';
import { SyncErrorRepository } from '../src/repositories/sync-error.repository.js';
import { SyncLogRepository } from '../src/repositories/sync-log.repository.js';
import { note } from './kit.js';

const totals = new Map<string, { ms: number; calls: number }>();

function wrap(target: object, name: string, label: string): void {
  const proto = target as Record<string, unknown>;
  const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
  proto[name] = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      const entry = totals.get(label) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - started;
      entry.calls++;
      totals.set(label, entry);
    }
  };
}

let installed = false;

export function installPhaseTimers(): void {
  if (!process.env.TANDEM_BENCH_PHASES || installed) return;
  installed = true;
  for (const method of ['readChanges', 'getByIds', 'findByField', 'insert', 'update']) {
    wrap(SqlTableConnector.prototype, method, `connector.${method}`);
  }
  // The Dataverse connector's calls (dataverse-throughput); `dataverse.send` adds up concurrent requests.
  for (const method of ['readChanges', 'readDelta', 'getByIds', 'findByField', 'insert', 'update']) {
    wrap(DataverseTableConnector.prototype, method, `dataverse.${method}`);
  }
  wrap(DataverseWebApi.prototype, 'send', 'dataverse.send (summed over concurrent requests)');
  for (const method of ['findBySideIds', 'findByIds', 'insertMany', 'updateMany', 'findNeedingAttention']) {
    wrap(CouplingRepository.prototype, method, `couplings.${method}`);
  }
  wrap(BatchWriter.prototype, 'flush', 'store.batchFlush');
  wrap(SyncLogRepository.prototype, 'appendMany', 'log.appendMany');
  wrap(SyncErrorRepository.prototype, 'openMany', 'errors.openMany');
  wrap(SyncErrorRepository.prototype, 'resolveForCouplings', 'errors.resolveForCouplings');
}

export function reportPhaseTimers(): void {
  if (!process.env.TANDEM_BENCH_PHASES) return;
  for (const [label, { ms, calls }] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
    note(`  ${label.padEnd(32)} ${Math.round(ms).toString().padStart(7)} ms  ${calls} calls`);
  }
  totals.clear();
}
