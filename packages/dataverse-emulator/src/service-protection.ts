import { DataverseError, ErrorCodes } from './errors.js';
import type { ServiceLimits } from './types.js';

/** Dataverse's documented defaults (learn.microsoft.com/power-apps/developer/data-platform/api-limits). */
export const DEFAULT_LIMITS: ServiceLimits = {
  windowSeconds: 300,
  requestsPerWindow: 6000,
  executionMsPerWindow: 1_200_000,
  concurrent: 52,
};

interface UserState {
  requests: number[];
  executions: { at: number; ms: number }[];
  inFlight: number;
  blockedUntil: number;
}

/**
 * Per-user service protection: a sliding window of request count and combined execution time, and a
 * ceiling on concurrent requests. A throttled user gets 429 with `Retry-After` (seconds); every request sent
 * while throttled pushes the end of the wait further (the docs: continued requests extend the Retry-After).
 */
export class ServiceProtection {
  limits: ServiceLimits;
  private readonly users = new Map<string, UserState>();

  constructor(limits: Partial<ServiceLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  setLimits(limits: Partial<ServiceLimits>): void {
    this.limits = { ...this.limits, ...limits };
  }

  private state(user: string): UserState {
    let state = this.users.get(user);
    if (!state) {
      state = { requests: [], executions: [], inFlight: 0, blockedUntil: 0 };
      this.users.set(user, state);
    }
    return state;
  }

  /** Admits a request (returns its release function) or throws the 429 DataverseError. */
  admit(user: string, now = Date.now()): (executionMs: number) => void {
    const s = this.state(user);
    const windowMs = this.limits.windowSeconds * 1000;
    s.requests = s.requests.filter((t) => t > now - windowMs);
    s.executions = s.executions.filter((e) => e.at > now - windowMs);
    if (now < s.blockedUntil) {
      s.blockedUntil += Math.ceil(windowMs / this.limits.requestsPerWindow);
      throw throttled(ErrorCodes.tooManyRequests, this.countMessage(), s.blockedUntil - now);
    }
    if (s.inFlight >= this.limits.concurrent) {
      throw throttled(
        ErrorCodes.concurrentRequests,
        `Number of concurrent requests exceeded the limit of ${this.limits.concurrent}.`,
        1000,
      );
    }
    if (s.requests.length >= this.limits.requestsPerWindow) {
      s.blockedUntil = s.requests[0]! + windowMs;
      throw throttled(ErrorCodes.tooManyRequests, this.countMessage(), s.blockedUntil - now);
    }
    const used = s.executions.reduce((sum, e) => sum + e.ms, 0);
    if (used >= this.limits.executionMsPerWindow) {
      s.blockedUntil = s.executions[0]!.at + windowMs;
      throw throttled(
        ErrorCodes.executionTime,
        `Combined execution time of incoming requests exceeded limit of ${this.limits.executionMsPerWindow} ` +
          `milliseconds over time window of ${this.limits.windowSeconds} seconds. Decrease number of concurrent ` +
          'requests or reduce the duration of requests and try again later.',
        s.blockedUntil - now,
      );
    }
    s.requests.push(now);
    s.inFlight++;
    return (executionMs: number) => {
      s.inFlight--;
      s.executions.push({ at: Date.now(), ms: executionMs });
    };
  }

  /** Remaining requests in the window, for the x-ms-ratelimit-burst-remaining-xrm-requests header. */
  remaining(user: string): number {
    return Math.max(0, this.limits.requestsPerWindow - this.state(user).requests.length);
  }

  private countMessage(): string {
    return `Number of requests exceeded the limit of ${this.limits.requestsPerWindow} over time window of ${this.limits.windowSeconds} seconds.`;
  }
}

function throttled(code: string, message: string, waitMs: number): DataverseError {
  return new DataverseError(429, code, message, { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) });
}
