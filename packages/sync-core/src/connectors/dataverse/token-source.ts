/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4, as Microsoft Entra ID serves them for Dataverse): one token
 * per connector, fetched when first needed, kept until shortly before it expires, and fetched again after
 * the Web API answers 401 (once per request: a second 401 is a real refusal).
 */

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

/** The token endpoint refused or could not be reached; the message never contains the secret. */
export class TokenRequestError extends Error {
  readonly code = 'TOKEN_REQUEST_FAILED';
  constructor(
    message: string,
    /** True when trying again later may help (the endpoint was unreachable or answered 5xx / 429). */
    readonly transient: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TokenRequestError';
  }
}

/** Tokens are renewed this long before they expire, so that none runs out on the way to the server. */
const EXPIRY_MARGIN_MS = 60_000;

export class TokenSource {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;
  /** Tokens fetched so far: tests check the cache with it. */
  fetches = 0;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token: the cached one, or a new one (concurrent callers share one request). */
  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Forgets `token` after a 401, unless a newer one replaced it meanwhile. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async fetchToken(): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope } = this.credentials;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    });
    let response: Response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form,
      });
    } catch (error) {
      throw new TokenRequestError(`cannot reach the token endpoint ${tokenUrl}: ${causeOf(error)}`, true, {
        cause: error,
      });
    }
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) {
      // Entra ID says why in `error` and `error_description` (AADSTS7000215: invalid client secret …).
      const reason =
        typeof body?.error_description === 'string'
          ? body.error_description.split('\n')[0]
          : typeof body?.error === 'string'
            ? body.error
            : text.slice(0, 200);
      const transient = response.status >= 500 || response.status === 429;
      throw new TokenRequestError(
        `the token endpoint ${tokenUrl} refused client "${clientId}" (${response.status}): ${reason}`,
        transient,
      );
    }
    if (typeof body?.access_token !== 'string') {
      throw new TokenRequestError(`the token endpoint ${tokenUrl} answered without an access_token`, false);
    }
    this.fetches++;
    const lifetimeMs = (Number(body.expires_in) || 3600) * 1000;
    this.cached = {
      token: body.access_token,
      expiresAt: this.now() + Math.max(lifetimeMs / 2, lifetimeMs - EXPIRY_MARGIN_MS),
    };
    return body.access_token;
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}

/** The reason of a failed fetch: undici puts the socket's error (ECONNREFUSED …) in `cause`. */
export function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
