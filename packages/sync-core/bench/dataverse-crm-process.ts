import { type EmulatorOptions, type RunningEmulator, startDataverseEmulator } from '@tandem/dataverse-emulator';

/**
 * The Dataverse emulator in a process of its own, for `dataverse-throughput`: a CRM is a server somewhere
 * else, so its work (HTTP, OData, SQLite) must not share the measured job's event loop. Started by
 * `dataverse-crm.ts` with `fork`; answers the parent's requests over IPC: `{ id, op, args }` →
 * `{ id, result }` or `{ id, error }`.
 */
let emulator: RunningEmulator | null = null;

type Request = {
  id: number;
  op: 'start' | 'stats' | 'cpu' | 'rows' | 'setLimits' | 'setFaults' | 'close';
  args?: unknown;
};

process.on('message', (message: Request) => {
  void handle(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: (error as Error).message }),
  );
});

async function handle({ op, args }: Request): Promise<unknown> {
  if (op === 'start') {
    emulator = await startDataverseEmulator(args as EmulatorOptions);
    return { url: emulator.url, apiUrl: emulator.apiUrl, tokenUrl: emulator.tokenUrl };
  }
  if (op === 'cpu') return process.cpuUsage();
  if (!emulator) throw new Error('the emulator is not started');
  if (op === 'stats') return emulator.stats();
  if (op === 'rows') return emulator.rows(args as string);
  if (op === 'setFaults') return emulator.setFaults(args as Parameters<RunningEmulator['setFaults']>[0]);
  if (op === 'setLimits') return emulator.setLimits(args as Parameters<RunningEmulator['setLimits']>[0]);
  await emulator.close();
  emulator = null;
  // Let the answer go out before the process ends.
  setImmediate(() => process.disconnect());
  return null;
}
