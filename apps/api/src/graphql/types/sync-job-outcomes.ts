import { FINISHED_JOB_STATUSES, type JobOutcomeBucket, jobOutcomesOverTime } from '@tandem/sync-core';
import { InvalidInputError } from '../../errors/invalid-input.error.js';
import { builder } from '../builder.js';
import { parseOptionalId } from '../ids.js';

const MINUTE = 60_000;
/** At most 30 days back and 500 buckets: enough for any chart, cheap for the store. */
const MAX_HOURS = 720;
const MAX_BUCKETS = 500;

const SyncJobOutcomeBucketRef = builder.objectRef<JobOutcomeBucket>('SyncJobOutcomeBucket').implement({
  description: 'Jobs that finished in [start, end), by final status.',
  fields: (t) => ({
    start: t.field({ type: 'DateTime', resolve: (bucket) => bucket.start }),
    end: t.field({ type: 'DateTime', resolve: (bucket) => bucket.end }),
    succeeded: t.int({ resolve: (bucket) => bucket.counts.SUCCEEDED }),
    partial: t.int({ resolve: (bucket) => bucket.counts.PARTIAL }),
    failed: t.int({ resolve: (bucket) => bucket.counts.FAILED }),
    cancelled: t.int({ resolve: (bucket) => bucket.counts.CANCELLED }),
  }),
});

builder.queryFields((t) => ({
  syncJobOutcomes: t.field({
    type: [SyncJobOutcomeBucketRef],
    authScopes: { viewer: true },
    description: `Finished jobs (${FINISHED_JOB_STATUSES.join(', ')}) per time bucket over the last \`hours\`, oldest bucket first, empty buckets included; buckets are aligned to their size in UTC.`,
    args: {
      mappingId: t.arg.id(),
      hours: t.arg.int({ description: `1–${MAX_HOURS}; default 24.` }),
      bucketMinutes: t.arg.int({ description: `1–1440; default 60; at most ${MAX_BUCKETS} buckets.` }),
    },
    resolve: (_root, args, context) => {
      const hours = args.hours ?? 24;
      const bucketMinutes = args.bucketMinutes ?? 60;
      if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS) {
        throw new InvalidInputError('hours', `must be between 1 and ${MAX_HOURS}`);
      }
      if (!Number.isInteger(bucketMinutes) || bucketMinutes < 1 || bucketMinutes > 1440) {
        throw new InvalidInputError('bucketMinutes', 'must be between 1 and 1440');
      }
      if ((hours * 60) / bucketMinutes > MAX_BUCKETS) {
        throw new InvalidInputError('bucketMinutes', `gives more than ${MAX_BUCKETS} buckets over ${hours} hours`);
      }
      const until = Date.now();
      return jobOutcomesOverTime(context.services.store.sql, {
        // The newest bucket is the current, partial one; `hours` covers the ones before it.
        since: until - hours * 60 * MINUTE + bucketMinutes * MINUTE,
        until,
        bucketMs: bucketMinutes * MINUTE,
        mappingId: parseOptionalId('TableMapping', args.mappingId?.toString()),
      });
    },
  }),
}));
