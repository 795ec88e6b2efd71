import type { AlertChannelType } from '../../entities/alert-enums.js';
import type { AlertNotification } from '../alert-notification.js';

/** A channel as the config file declares it (secrets already expanded from `${ENV}`). */
export type AlertChannelConfig =
  | { type: 'webhook'; url: string; secret: string }
  | { type: 'slack'; url: string }
  | { type: 'email'; smtp: string; from: string; to: readonly string[] };

/** One notification to send: its stable id (`webhook-id`), its JSON body as stored, and the parsed form. */
export interface OutgoingNotification {
  messageId: string;
  body: string;
  notification: AlertNotification;
}

/** What a receiver answered: an HTTP status or an SMTP reply code, when there was one. */
export interface SendReceipt {
  statusCode: number | null;
}

/**
 * Where notifications go. `send` resolves when the receiver accepted the notification and throws a
 * `ChannelSendError` (with the receiver's code where it answered) when not — within `timeoutMs`.
 */
export interface AlertChannel {
  readonly name: string;
  readonly type: AlertChannelType;
  /** Where it sends, without secrets or tokens (host, or the e-mail addresses): what the API may show. */
  readonly target: string;
  send(outgoing: OutgoingNotification, timeoutMs: number): Promise<SendReceipt>;
  close?(): void;
}

/** A send that did not reach its receiver, or that the receiver refused. */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}
