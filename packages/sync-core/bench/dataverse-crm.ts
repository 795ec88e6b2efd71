import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorOptions, EmulatorStats, Faults, ServiceLimits } from '@tandem/dataverse-emulator';

/** The emulator running in its own process (`dataverse-crm-process.ts`), seen from the benchmark. */
export interface CrmProcess {
  url: string;
  apiUrl: string;
  tokenUrl: string;
  stats(): Promise<EmulatorStats>;
  /** CPU time the emulator's process has used so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  /** Every row of an entity set, read from the emulator's database without HTTP. */
  rows(entitySet: string): Promise<Array<Record<string, unknown>>>;
  setLimits(limits: Partial<ServiceLimits>): Promise<void>;
  setFaults(faults: Faults): Promise<void>;
  close(): Promise<void>;
}

export async function startCrmProcess(options: EmulatorOptions): Promise<CrmProcess> {
  const here = dirname(fileURLToPath(import.meta.url));
  const child: ChildProcess = fork(join(here, 'dataverse-crm-process.ts'), [], {
    // `node --cpu-prof … bench/run.ts dataverse-throughput` profiles the emulator's process too.
    execArgv: [...process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')), '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`emulator process: ${message.error}`));
    else waiter?.resolve(message.result);
  });
  child.on('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`emulator process exited (${code ?? signal})`));
    pending.clear();
  });
  const call = <T>(op: string, args?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, op, args });
    });
  try {
    const started = await call<{ url: string; apiUrl: string; tokenUrl: string }>('start', options);
    return {
      ...started,
      stats: () => call('stats'),
      cpuMs: async () => {
        const { user, system } = await call<NodeJS.CpuUsage>('cpu');
        return (user + system) / 1000;
      },
      rows: (entitySet) => call('rows', entitySet),
      setLimits: (limits) => call('setLimits', limits),
      setFaults: (faults) => call('setFaults', faults),
      close: async () => {
        if (child.exitCode !== null || !child.connected) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await call('close');
        await exited;
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}
