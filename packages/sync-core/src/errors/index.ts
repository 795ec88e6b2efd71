export * from './connector-unavailable.error.js';
export * from './invalid-config.error.js';
export * from './invalid-input.error.js';
export * from './mapping-definition.error.js';
export * from './mapping-not-found.error.js';
export * from './queue-unavailable.error.js';
export * from './redact-sql.js';
export * from './tandem.error.js';
