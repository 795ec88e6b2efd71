import type { AlertCondition, AlertEvent } from '../entities/alert-enums.js';

/**
 * What a notification says, as the webhook's JSON body (Standard Webhooks' `type`, `timestamp`, `data`).
 * Slack and e-mail render the same facts as text (`notificationText`).
 */
export interface AlertNotification {
  type: 'alert.firing' | 'alert.resolved' | 'alert.test';
  timestamp: string;
  data: {
    rule: { id: number; name: string; condition: AlertCondition };
    mapping: { id: number; name: string } | null;
    status: 'FIRING' | 'RESOLVED' | null;
    message: string;
    jobId: number | null;
  };
}

export interface NotificationFacts {
  event: AlertEvent;
  rule: { id: number; name: string; condition: AlertCondition };
  mapping: { id: number; name: string } | null;
  message: string;
  jobId: number | null;
  at: number;
}

export function buildNotification(facts: NotificationFacts): AlertNotification {
  return {
    type: `alert.${facts.event.toLowerCase()}` as AlertNotification['type'],
    timestamp: new Date(facts.at).toISOString(),
    data: {
      rule: facts.rule,
      mapping: facts.mapping,
      status: facts.event === 'TEST' ? null : facts.event,
      message: facts.message,
      jobId: facts.jobId,
    },
  };
}

/** A one-line title: `[FIRING] customers-failing on customers`. */
export function notificationTitle(notification: AlertNotification): string {
  const { data } = notification;
  const label = data.status ?? 'TEST';
  const where = data.mapping ? ` on ${data.mapping.name}` : '';
  return `[${label}] ${data.rule.name}${where}`;
}

/** The title, the message and when, for people (Slack's text, an e-mail's body). */
export function notificationText(notification: AlertNotification): string {
  const { data } = notification;
  const lines = [notificationTitle(notification), data.message, `Rule: ${data.rule.name} (${data.rule.condition})`];
  if (data.jobId !== null) lines.push(`Job: ${data.jobId}`);
  lines.push(`At: ${notification.timestamp}`);
  return lines.join('\n');
}
