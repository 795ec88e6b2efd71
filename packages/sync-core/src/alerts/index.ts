// Alerts (docs/ALERTS.md): rules, their states, the outbox and its deliverer, the channels.
export * from './alert.queries.js';
export * from './alert-check-schedule.js';
export * from './alert-deliverer.js';
export { evaluatePeriodicAlerts } from './alert-evaluation.js';
export * from './alert-notification.js';
export { resendDelivery } from './alert-outbox.js';
export * from './alert-rule-input.js';
export * from './alert-rules.repository.js';
export * from './alert-signal.js';
export * from './alert-test.js';
export * from './channels/alert-channel.js';
export * from './channels/create-channels.js';
export { webhookSecretProblem } from './channels/webhook.channel.js';
export * from './delivery-backoff.js';
