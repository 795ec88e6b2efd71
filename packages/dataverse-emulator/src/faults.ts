import type { Faults } from './types.js';

/** A small seeded generator (mulberry32), so a fault-injection run can be repeated with the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultDecision = 'none' | 'server-error' | 'drop';

/** Decides, per request, whether to answer 500 or drop the connection; latency is applied by the server. */
export class FaultInjector {
  constructor(
    public faults: Faults,
    private readonly random: () => number,
  ) {}

  decide(): FaultDecision {
    const roll = this.random();
    const drop = this.faults.dropRate ?? 0;
    const serverError = this.faults.serverErrorRate ?? 0;
    if (roll < drop) return 'drop';
    if (roll < drop + serverError) return 'server-error';
    return 'none';
  }
}
