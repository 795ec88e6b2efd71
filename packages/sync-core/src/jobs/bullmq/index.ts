// The BullMQ (Redis) driver of the job queue: what the API needs to build it.

export { DEFAULT_PREFIX as DEFAULT_QUEUE_PREFIX, SCHEDULES_QUEUE, SYNC_JOBS_QUEUE } from './bullmq-names.js';
export { BullMqQueue, type BullMqQueueOptions } from './bullmq-queue.js';
export type { RedisSource } from './redis-clients.js';
