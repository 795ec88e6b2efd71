import { notificationText, notificationTitle } from '../alert-notification.js';
import type { AlertChannel, OutgoingNotification, SendReceipt } from './alert-channel.js';
import { postJson, safeHost } from './http-post.js';

/**
 * A Slack incoming webhook (or anything that takes its body: Mattermost, Rocket.Chat …): `text` for
 * notifications and clients without blocks, and blocks with a header, the message and the details.
 */
export class SlackChannel implements AlertChannel {
  readonly type = 'slack' as const;
  readonly target: string;

  constructor(
    readonly name: string,
    private readonly url: string,
  ) {
    this.target = safeHost(url);
  }

  send(outgoing: OutgoingNotification, timeoutMs: number): Promise<SendReceipt> {
    return postJson(this.url, JSON.stringify(slackBody(outgoing)), {}, timeoutMs);
  }
}

export function slackBody({ notification }: OutgoingNotification) {
  const { data } = notification;
  const details = [`Rule *${data.rule.name}* (${data.rule.condition})`];
  if (data.jobId !== null) details.push(`job ${data.jobId}`);
  details.push(notification.timestamp);
  return {
    text: notificationText(notification),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: notificationTitle(notification) } },
      { type: 'section', text: { type: 'mrkdwn', text: data.message } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: details.join(' · ') }] },
    ],
  };
}
