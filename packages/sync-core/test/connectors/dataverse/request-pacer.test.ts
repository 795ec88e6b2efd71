import { describe, expect, it } from 'vitest';
import {
  type AttemptOutcome,
  type ConnectorWait,
  parseRetryAfter,
  RequestPacer,
  WaitBudget,
  WaitBudgetExceededError,
} from '../../../src/connectors/dataverse/request-pacer.js';

/** A clock that only moves when the pacer sleeps: the tests see every wait without waiting. */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

function budget(maxWaitMs = 60_000) {
  const waits: ConnectorWait[] = [];
  const b = new WaitBudget(maxWaitMs, 'the CRM');
  b.onWait((w) => waits.push(w));
  return { b, waits };
}

/** An attempt that answers from a script, one outcome per call. */
function scripted<T>(outcomes: Array<AttemptOutcome<T>>) {
  let calls = 0;
  return {
    attempt: async () => outcomes[Math.min(calls++, outcomes.length - 1)]!,
    calls: () => calls,
  };
}

describe('request pacer', () => {
  it('waits a 429 Retry-After in full, says so, and then succeeds', async () => {
    const time = fakeTime();
    const pacer = new RequestPacer({ ...time, random: () => 0.5 });
    const { b, waits } = budget();
    const script = scripted<string>([
      { kind: 'throttled', retryAfterMs: 12_000, detail: '429 on GET accounts' },
      { kind: 'done', value: 'ok' },
    ]);
    await expect(pacer.run(b, script.attempt)).resolves.toBe('ok');
    expect(time.sleeps).toEqual([12_000]);
    expect(waits.map((w) => w.message)).toEqual(['the CRM asked to wait 12 s (429 on GET accounts)']);
    expect(b.totalWaitMs).toBe(12_000);
  });

  it('pauses every request of the connector while one is throttled, and counts overlapping waits once', async () => {
    const time = fakeTime();
    let started = false;
    let other: Promise<string> | null = null;
    let otherRanAt = 0;
    const pacer = new RequestPacer({
      ...time,
      sleep: async (ms) => {
        // A second request arrives while the first waits out its 429: it must wait for the pause too.
        if (!started) {
          started = true;
          other = pacer.run(b, async () => {
            otherRanAt = time.now();
            return { kind: 'done' as const, value: 'b' };
          });
        }
        await time.sleep(ms);
      },
    });
    const { b, waits } = budget();
    const startedAt = time.now();
    const first = scripted<string>([
      { kind: 'throttled', retryAfterMs: 10_000, detail: '429' },
      { kind: 'done', value: 'a' },
    ]);
    expect(await pacer.run(b, first.attempt)).toBe('a');
    expect(await other).toBe('b');
    expect(otherRanAt).toBeGreaterThanOrEqual(startedAt + 10_000);
    expect(waits).toHaveLength(1);
    expect(b.totalWaitMs).toBe(10_000);
  });

  it('halves its concurrency on 429 and ramps up by one per success, never past the maximum', async () => {
    const time = fakeTime();
    const pacer = new RequestPacer({ ...time, startConcurrent: 8, maxConcurrent: 10 });
    const { b } = budget();
    await pacer.run(
      b,
      scripted<number>([
        { kind: 'throttled', retryAfterMs: 1000, detail: '429' },
        { kind: 'done', value: 1 },
      ]).attempt,
    );
    // 8 halved to 4, then one success: 5.
    expect(pacer.concurrency).toBe(5);
    for (let i = 0; i < 20; i++) await pacer.run(b, scripted<number>([{ kind: 'done', value: i }]).attempt);
    expect(pacer.concurrency).toBe(10);
  });

  it('runs no more requests at once than its concurrency allows', async () => {
    const pacer = new RequestPacer({ startConcurrent: 3, maxConcurrent: 3 });
    const { b } = budget();
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        pacer.run(b, async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          return { kind: 'done' as const, value: null };
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it('starts no more requests than the window has left, then one at a time until an answer says more', async () => {
    // x-ms-ratelimit-burst-remaining-xrm-requests: a volley past what is left would only come back 429.
    const pacer = new RequestPacer({ startConcurrent: 10, maxConcurrent: 10 });
    const { b } = budget();
    await pacer.run(b, async () => ({ kind: 'done' as const, value: null, remaining: 3 }));
    let running = 0;
    const most: number[] = [];
    const request = (remaining?: number) =>
      pacer.run(b, async () => {
        running++;
        most.push(running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return { kind: 'done' as const, value: null, remaining };
      });
    // Three may go; the answers say nothing more, so the rest go one by one (each may be the probe a 429 answers).
    await Promise.all(Array.from({ length: 8 }, () => request()));
    expect(Math.max(...most)).toBe(3);
    expect(most.slice(3)).toEqual([1, 1, 1, 1, 1]);
    // An answer that says 0 are left: the next ones go alone until one says 20 are left, then together.
    await request(0);
    most.length = 0;
    await Promise.all([request(20), ...Array.from({ length: 6 }, () => request())]);
    expect(most[0]).toBe(1);
    expect(Math.max(...most)).toBe(6);
  });

  it('after a 429 sends one request when the pause ends, and the rest once its answer says how many may go', async () => {
    const time = fakeTime();
    const pacer = new RequestPacer({ ...time, startConcurrent: 10, maxConcurrent: 10 });
    const { b } = budget();
    await pacer.run(
      b,
      scripted<null>([
        { kind: 'throttled', retryAfterMs: 2000, detail: '429' },
        { kind: 'done', value: null, remaining: 100 },
      ]).attempt,
    );
    // The retried request's answer (100 left) opened the window again: all five go at once.
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        pacer.run(b, async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          return { kind: 'done' as const, value: null, remaining: 90 };
        }),
      ),
    );
    expect(time.sleeps).toEqual([2000]);
    expect(most).toBe(5);
  });

  it('backs off exponentially with jitter and a cap on server errors and dropped connections', async () => {
    const time = fakeTime();
    const pacer = new RequestPacer({ ...time, backoffBaseMs: 1000, backoffCapMs: 4000, random: () => 1 });
    const { b, waits } = budget();
    const script = scripted<string>([
      { kind: 'server-error', detail: '503 on POST $batch' },
      { kind: 'connection-dropped', detail: 'ECONNRESET' },
      { kind: 'server-error', detail: '503' },
      { kind: 'server-error', detail: '503' },
      { kind: 'done', value: 'ok' },
    ]);
    expect(await pacer.run(b, script.attempt)).toBe('ok');
    expect(time.sleeps).toEqual([1000, 2000, 4000, 4000]);
    expect(waits[0]!.message).toBe('the CRM answered with a server error: waiting 1 s (503 on POST $batch)');
    expect(waits[1]!.message).toBe('the CRM dropped the connection: waiting 2 s (ECONNRESET)');

    // With the random part at 0 a wait is half its ceiling: retries of many requests spread out.
    const jittered = fakeTime();
    const low = new RequestPacer({ ...jittered, backoffBaseMs: 1000, random: () => 0 });
    await low.run(
      budget().b,
      scripted<number>([
        { kind: 'server-error', detail: '' },
        { kind: 'done', value: 1 },
      ]).attempt,
    );
    expect(jittered.sleeps).toEqual([500]);
  });

  it('fails with a clear message once a job would wait longer in total than allowed, without waiting', async () => {
    const time = fakeTime();
    const pacer = new RequestPacer({ ...time });
    const { b } = budget(20_000);
    const script = scripted<string>([
      { kind: 'throttled', retryAfterMs: 12_000, detail: '429 on POST $batch' },
      { kind: 'throttled', retryAfterMs: 12_000, detail: '429 on POST $batch' },
    ]);
    const failure = pacer.run(b, script.attempt);
    await expect(failure).rejects.toBeInstanceOf(WaitBudgetExceededError);
    await expect(failure).rejects.toThrow(
      'the CRM kept asking to wait (service protection limits, 429) and the job has waited 12 s in total; a further 12 s would pass the limit of 20 s (maxWaitSeconds)',
    );
    expect(time.sleeps).toEqual([12_000]);
  });

  it('passes on an error the attempt throws, at once', async () => {
    const pacer = new RequestPacer();
    await expect(
      pacer.run(budget().b, async () => {
        throw new Error('bad request');
      }),
    ).rejects.toThrow('bad request');
  });
});

describe('Retry-After', () => {
  it('reads seconds, fractions and HTTP dates', () => {
    expect(parseRetryAfter('12', 0)).toBe(12_000);
    expect(parseRetryAfter('0.25', 0)).toBe(250);
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:10 GMT', Date.UTC(2026, 10, 26, 12, 0, 0))).toBe(10_000);
    expect(parseRetryAfter(undefined, 0)).toBeNull();
    expect(parseRetryAfter('soon', 0)).toBeNull();
  });
});
