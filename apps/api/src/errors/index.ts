export * from './api.error.js';
export * from './forbidden.error.js';
export * from './invalid-id.error.js';
export * from './invalid-input.error.js';
export * from './mapping-busy.error.js';
export * from './not-found.error.js';
