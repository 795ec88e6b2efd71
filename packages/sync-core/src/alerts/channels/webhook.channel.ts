import { Webhook } from 'standardwebhooks';
import type { AlertChannel, OutgoingNotification, SendReceipt } from './alert-channel.js';
import { postJson, safeHost } from './http-post.js';

/**
 * A webhook signed per the Standard Webhooks spec: `webhook-id` (the delivery's, the same on every retry,
 * for de-duplication), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256
 * of `id.timestamp.body` under the secret). Signed anew on every attempt, so the timestamp is fresh.
 */
export class WebhookChannel implements AlertChannel {
  readonly type = 'webhook' as const;
  readonly target: string;
  private readonly signer: Webhook;

  constructor(
    readonly name: string,
    private readonly url: string,
    secret: string,
  ) {
    this.signer = new Webhook(secret);
    this.target = safeHost(url);
  }

  send(outgoing: OutgoingNotification, timeoutMs: number): Promise<SendReceipt> {
    const now = new Date();
    const signature = this.signer.sign(outgoing.messageId, now, outgoing.body);
    return postJson(
      this.url,
      outgoing.body,
      {
        'webhook-id': outgoing.messageId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      timeoutMs,
    );
  }
}

const SECRET = /^(whsec_)?[A-Za-z0-9+/]+={0,2}$/;

/**
 * Why a webhook secret cannot sign, or null when it can: Standard Webhooks secrets are base64 (optionally
 * prefixed `whsec_`) of 24 to 64 random bytes, e.g. `whsec_$(openssl rand -base64 32)`.
 */
export function webhookSecretProblem(secret: string): string | null {
  if (!SECRET.test(secret)) return 'must be base64, optionally prefixed whsec_ (e.g. whsec_$(openssl rand -base64 32))';
  const bytes = Buffer.from(secret.replace(/^whsec_/, ''), 'base64').length;
  if (bytes < 24 || bytes > 64) return `must decode to 24–64 bytes (this one has ${bytes})`;
  return null;
}
