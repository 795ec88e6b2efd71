import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { client, start, tokenFor } from './helpers.js';

let emulator: RunningEmulator;
let api: ReturnType<typeof client>;

beforeEach(async () => {
  emulator = await start();
  api = client(emulator, await tokenFor(emulator));
});
afterEach(async () => {
  await emulator.close();
});

describe('service protection under load', () => {
  // Documented (api-limits): 52 concurrent requests per user; the next one gets 429 0x80072326
  it('serves 52 concurrent requests and refuses the 53rd', async () => {
    emulator.setFaults({ latencyMs: 1500 }); // long enough that none of the 52 ends before the 53rd arrives
    const responses = await Promise.all(Array.from({ length: 53 }, () => api('/accounts')));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(52);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    const refused = responses.find((r) => r.status === 429)!;
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('0x80072326');
    expect(emulator.stats().maxConcurrent).toBe(52);
  });

  // Documented (api-limits): code 0x80072321 when the combined execution time in the window is used up
  it('throttles on combined execution time', async () => {
    emulator.setLimits({ executionMsPerWindow: 100, windowSeconds: 60 });
    emulator.setFaults({ latencyMs: 60 });
    expect((await api('/accounts')).status).toBe(200);
    expect((await api('/accounts')).status).toBe(200);
    const throttled = await api('/accounts');
    expect(throttled.status).toBe(429);
    expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe('0x80072321');
  });

  // Documented (api-limits): sending more requests while throttled extends the Retry-After duration
  it('lengthens Retry-After for a client that keeps sending while throttled', async () => {
    emulator.setLimits({ requestsPerWindow: 2, windowSeconds: 10 });
    await api('/accounts');
    await api('/accounts');
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(Number((await api('/accounts')).headers.get('Retry-After')));
    expect(waits[waits.length - 1]).toBeGreaterThan(waits[0]!);
    expect(emulator.stats().throttled).toBe(6);
  });
});
