import { Redis } from 'ioredis';

/** Redis used for queue tests; CI and developer machines run one on 127.0.0.1:6379. */
export const REDIS_URL = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test file or run uses, so runs never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `tandem-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Deletes every key under the prefixes (`<prefix>:…`). */
export async function deleteKeys(prefixes: Iterable<string>): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}
