// Read models that combine Tandem's store with the apps' current records (the console's detail views).
export * from './applicable-actions.js';
export * from './couple-candidates.js';
export type { SyncErrorFieldDetail } from './field-comparison.js';
export * from './sync-error-detail.js';
