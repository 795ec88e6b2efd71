import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * A real webhook receiver on loopback: answers `status()` (default 200) and keeps every request with the
 * status it answered, so a test can tell what was accepted from what was refused.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  status: () => number = () => 200;
  private server: Server | null = null;
  url = '';

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = this.status();
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/tandem-alerts`;
    return this;
  }

  accepted(): ReceivedWebhook[] {
    return this.received.filter((request) => request.status >= 200 && request.status < 300);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

/** A Standard Webhooks secret: `whsec_` + base64 of 32 bytes. */
export const TEST_SECRET = `whsec_${Buffer.from('api-alerts-test-secret-of-32-by!').toString('base64')}`;

/**
 * Verifies a Standard Webhooks signature the way a receiver without the library would (docs/ALERTS.md):
 * HMAC-SHA256 of `id.timestamp.body` under the base64-decoded secret, compared with each `v1,` signature.
 * Returns the parsed body, or throws.
 */
export function verifyWebhook(secret: string, headers: IncomingHttpHeaders, body: string): unknown {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const signatures = String(headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  if (!signatures.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected))) {
    throw new Error('webhook signature does not verify');
  }
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) throw new Error('webhook timestamp too old');
  return JSON.parse(body);
}
