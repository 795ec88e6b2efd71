import { createTransport, type Transporter } from 'nodemailer';
import { notificationText, notificationTitle } from '../alert-notification.js';
import { type AlertChannel, ChannelSendError, type OutgoingNotification, type SendReceipt } from './alert-channel.js';

/**
 * E-mail over SMTP (nodemailer). `smtp` is a connection URL (`smtp://user:pass@host:587`,
 * `smtps://…:465`); the subject is the notification's title, the body its text, and the Message-ID
 * derives from the delivery's id, so a mail client can tell a resend from a new alert.
 */
export class EmailChannel implements AlertChannel {
  readonly type = 'email' as const;
  readonly target: string;
  private transporter: Transporter | null = null;
  private transporterTimeout = 0;

  constructor(
    readonly name: string,
    private readonly smtp: string,
    private readonly from: string,
    private readonly to: readonly string[],
  ) {
    this.target = to.join(', ');
  }

  async send(outgoing: OutgoingNotification, timeoutMs: number): Promise<SendReceipt> {
    try {
      const info = await this.transport(timeoutMs).sendMail({
        from: this.from,
        to: [...this.to],
        subject: notificationTitle(outgoing.notification),
        text: notificationText(outgoing.notification),
        messageId: `<${outgoing.messageId}@tandem.alerts>`,
        headers: { 'X-Tandem-Alert-Id': outgoing.messageId },
      });
      return { statusCode: replyCode(info.response) };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode ?? null;
      const message = error instanceof Error ? error.message : String(error);
      throw new ChannelSendError(`SMTP: ${message}`, code);
    }
  }

  close(): void {
    this.transporter?.close();
    this.transporter = null;
  }

  private transport(timeoutMs: number): Transporter {
    if (!this.transporter || this.transporterTimeout !== timeoutMs) {
      this.transporter?.close();
      this.transporter = createTransport({
        url: this.smtp,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      } as Parameters<typeof createTransport>[0]);
      this.transporterTimeout = timeoutMs;
    }
    return this.transporter;
  }
}

function replyCode(response: unknown): number | null {
  const match = typeof response === 'string' ? /^(\d{3})/.exec(response) : null;
  return match ? Number(match[1]) : null;
}
