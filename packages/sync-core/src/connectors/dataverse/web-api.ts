import { type AttemptOutcome, parseRetryAfter, type RequestPacer, type WaitBudget } from './request-pacer.js';
import { causeOf, TokenRequestError, type TokenSource } from './token-source.js';

/** A request the Web API answered with an error: its HTTP status, Dataverse's error code and message. */
export class DataverseRequestError extends Error {
  readonly code = 'DATAVERSE_REQUEST_FAILED';
  constructor(
    readonly status: number,
    /** Dataverse's own code (`0x80040217`, …) when it gave one. */
    readonly dataverseCode: string | null,
    readonly dataverseMessage: string,
    readonly request: string,
  ) {
    super(`${request} failed with ${status}${dataverseCode ? ` ${dataverseCode}` : ''}: ${dataverseMessage}`);
    this.name = 'DataverseRequestError';
  }
}

/** Dataverse's error body `{ "error": { "code", "message" } }` as code and message; the text otherwise. */
export function errorOf(status: number, body: unknown): { code: string | null; message: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error === 'object') {
    return {
      code: typeof error.code === 'string' && error.code !== '' ? error.code : null,
      message: typeof error.message === 'string' ? error.message : `HTTP ${status}`,
    };
  }
  if (typeof body === 'string' && body.trim() !== '') return { code: null, message: body.trim().slice(0, 500) };
  return { code: null, message: `HTTP ${status}` };
}

export interface WebApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the Web API root (`accounts?$select=name`), or absolute (an `@odata.nextLink`, unmodified). */
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface WebApiResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Statuses worth sending again after a pause: the server or a gateway in front of it had a bad moment. */
const SERVER_ERRORS = new Set([500, 502, 503, 504]);

/**
 * Dataverse's answer header with the requests the user may still send in the current window ("Service
 * protection API limits"); the pacer keeps its volleys within it.
 */
const BURST_REMAINING = 'x-ms-ratelimit-burst-remaining-xrm-requests';

/** A whole number of remaining requests, or null when absent or unreadable. */
export function parseRemaining(value: string | null): number | null {
  return value !== null && /^\s*\d+\s*$/.test(value) ? Number(value) : null;
}

/** How long one request may take before it counts as a dropped connection. */
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * The Web API of one Dataverse environment (`{url}/api/data/{version}`), seen through one application
 * user: every request carries a bearer token (refreshed once on 401) and goes through the pacer, which
 * keeps within the service protection limits and retries what can be retried.
 */
export class DataverseWebApi {
  /** What this environment was sent and answered, for `DataverseConnector.stats()` and the benchmark. */
  readonly counts = { requests: 0, throttled: 0, serverErrors: 0, dropped: 0 };

  constructor(
    /** `https://org.crm4.dynamics.com/api/data/v9.2`, without the trailing slash. */
    readonly root: string,
    private readonly tokens: TokenSource,
    private readonly pacer: RequestPacer,
  ) {}

  /** Sends a request and returns whatever final answer it got (error statuses included). */
  send(budget: WaitBudget, request: WebApiRequest): Promise<WebApiResponse> {
    const url = /^https?:\/\//.test(request.url) ? request.url : `${this.root}/${request.url}`;
    const label = `${request.method} ${shortUrl(request.url)}`;
    return this.pacer.run(budget, async (): Promise<AttemptOutcome<WebApiResponse>> => {
      let response: Response;
      this.counts.requests++;
      try {
        response = await this.authorized(url, request);
      } catch (error) {
        if (error instanceof TokenRequestError) {
          if (error.transient) return this.dropped(error.message);
          throw error;
        }
        return this.dropped(`${label}: ${causeOf(error)}`);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        return this.dropped(`${label}: ${causeOf(error)}`);
      }
      if (response.status === 429) {
        this.counts.throttled++;
        return {
          kind: 'throttled',
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
          detail: `429 Too Many Requests on ${label}`,
        };
      }
      if (SERVER_ERRORS.has(response.status)) {
        this.counts.serverErrors++;
        return { kind: 'server-error', detail: `${response.status} on ${label}` };
      }
      return {
        kind: 'done',
        value: { status: response.status, headers: response.headers, text },
        remaining: parseRemaining(response.headers.get(BURST_REMAINING)),
      };
    });
  }

  private dropped(detail: string): AttemptOutcome<WebApiResponse> {
    this.counts.dropped++;
    return { kind: 'connection-dropped', detail };
  }

  /** Sends a request and parses its JSON answer; an error status is a `DataverseRequestError`. */
  async json<T = Record<string, unknown>>(budget: WaitBudget, request: WebApiRequest): Promise<T> {
    const response = await this.send(budget, request);
    const body = parseBody(response.text);
    if (response.status >= 400) {
      const { code, message } = errorOf(response.status, body);
      throw new DataverseRequestError(response.status, code, message, `${request.method} ${shortUrl(request.url)}`);
    }
    return body as T;
  }

  /** One fetch with the bearer token; a 401 gets one more try with a fresh token. */
  private async authorized(url: string, request: WebApiRequest): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      const response = await fetch(url, {
        method: request.method,
        headers: {
          Accept: 'application/json',
          'OData-MaxVersion': '4.0',
          'OData-Version': '4.0',
          ...(request.body !== undefined && !request.headers?.['Content-Type']
            ? { 'Content-Type': 'application/json' }
            : {}),
          ...request.headers,
          Authorization: `Bearer ${token}`,
        },
        body: request.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (response.status !== 401 || attempt > 0) return response;
      await response.body?.cancel();
      this.tokens.invalidate(token);
    }
  }
}

export function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A URL for messages: relative to the Web API root (`accounts?$select=…`), at most 160 characters. */
function shortUrl(url: string): string {
  const relative = url.replace(/^https?:\/\/[^/]+/, '').replace(/^\/api\/data\/v[\d.]+\//, '');
  return relative.length > 160 ? `${relative.slice(0, 157)}…` : relative;
}
