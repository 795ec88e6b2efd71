import { randomBytes } from 'node:crypto';

/**
 * OAuth2 client credentials as Microsoft Entra ID answers them: a form POST with grant_type, client_id,
 * client_secret (and scope) → `{ token_type: "Bearer", expires_in, access_token }`; a wrong secret → 401
 * `{ error: "invalid_client" }`. Tokens live `lifetimeSeconds`; Dataverse answers 401 with `WWW-Authenticate`
 * to a missing or expired one.
 */
export class TokenIssuer {
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(
    private readonly clients: { clientId: string; clientSecret: string }[],
    public lifetimeSeconds: number,
  ) {}

  issue(form: URLSearchParams): { status: number; body: Record<string, unknown> } {
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported.' },
      };
    }
    const client = this.clients.find(
      (c) => c.clientId === form.get('client_id') && c.clientSecret === form.get('client_secret'),
    );
    if (!client) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client id or secret.' } };
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { clientId: client.clientId, expiresAt: Date.now() + this.lifetimeSeconds * 1000 });
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: this.lifetimeSeconds,
        ext_expires_in: this.lifetimeSeconds,
        access_token: token,
      },
    };
  }

  /** The client id behind a valid `Authorization: Bearer …` header, or why not. */
  check(header: string | undefined): { clientId: string } | { problem: string } {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match) return { problem: 'missing' };
    const entry = this.tokens.get(match[1]!.trim());
    if (!entry) return { problem: 'invalid' };
    if (entry.expiresAt <= Date.now()) return { problem: 'expired' };
    return { clientId: entry.clientId };
  }

  revokeAll(): void {
    this.tokens.clear();
  }
}
