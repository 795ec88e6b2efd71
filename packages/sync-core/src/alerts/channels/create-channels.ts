import type { AlertChannel, AlertChannelConfig } from './alert-channel.js';
import { EmailChannel } from './email.channel.js';
import { SlackChannel } from './slack.channel.js';
import { WebhookChannel } from './webhook.channel.js';

/** The configured channels by name. */
export function createAlertChannels(configs: Readonly<Record<string, AlertChannelConfig>>): Map<string, AlertChannel> {
  const channels = new Map<string, AlertChannel>();
  for (const [name, config] of Object.entries(configs)) channels.set(name, createAlertChannel(name, config));
  return channels;
}

export function createAlertChannel(name: string, config: AlertChannelConfig): AlertChannel {
  switch (config.type) {
    case 'webhook':
      return new WebhookChannel(name, config.url, config.secret);
    case 'slack':
      return new SlackChannel(name, config.url);
    case 'email':
      return new EmailChannel(name, config.smtp, config.from, config.to);
  }
}
