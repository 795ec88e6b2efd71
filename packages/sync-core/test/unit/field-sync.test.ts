import { describe, expect, it } from 'vitest';
import { planFieldSync } from '../../src/engine/field-sync.js';
import { messagePattern } from '../../src/engine/message-pattern.js';
import type { ResolvedField } from '../../src/mappings/resolved-mapping.js';

const field = (
  local: string,
  integration: string,
  direction: ResolvedField['direction'] = 'BIDIRECTIONAL',
): ResolvedField => ({
  localField: local,
  integrationField: integration,
  direction,
  constant: undefined,
  transform: null,
  useForMatch: false,
  matchPriority: 0,
  caseSensitive: false,
  clearValueOnFailedSync: false,
});

describe('planFieldSync (rule 4)', () => {
  const fields = [field('name', 'name'), field('city', 'address1_city')];
  const snapshot = { local: { name: 'Ada', city: 'Oslo' }, integration: { name: 'Ada', address1_city: 'Oslo' } };

  it('merges one field changed on each side', () => {
    const plan = planFieldSync({
      fields,
      local: { name: 'Ada', city: 'Bergen' },
      integration: { name: 'Ada L', address1_city: 'Oslo' },
      localSnapshot: snapshot.local,
      integrationSnapshot: snapshot.integration,
      policy: 'NONE',
    });
    expect(plan.conflicts).toEqual([]);
    expect(plan.toIntegration).toEqual({ address1_city: 'Bergen' });
    expect(plan.toLocal).toEqual({ name: 'Ada L' });
    expect(plan.localAfter).toEqual({ name: 'Ada L', city: 'Bergen' });
  });

  it('names a field changed on both sides to different values, and writes nothing for it', () => {
    const plan = planFieldSync({
      fields,
      local: { name: 'A', city: 'Oslo' },
      integration: { name: 'B', address1_city: 'Oslo' },
      localSnapshot: snapshot.local,
      integrationSnapshot: snapshot.integration,
      policy: 'NONE',
    });
    expect(plan.conflicts).toEqual(['name']);
    expect(plan.toIntegration).toEqual({});
    expect(plan.toLocal).toEqual({});
  });

  it('per-field winners take precedence over the whole-record winner', () => {
    const plan = planFieldSync({
      fields,
      local: { name: 'A', city: 'X' },
      integration: { name: 'B', address1_city: 'Y' },
      localSnapshot: snapshot.local,
      integrationSnapshot: snapshot.integration,
      policy: 'NONE',
      winner: 'LOCAL',
      fieldWinners: new Map([['city', 'INTEGRATION']]),
    });
    expect(plan.toIntegration).toEqual({ name: 'A' });
    expect(plan.toLocal).toEqual({ city: 'Y' });
  });

  it('treats numbers and their text as equal (apps disagree on types)', () => {
    const plan = planFieldSync({
      fields: [field('credit', 'creditlimit')],
      local: { credit: 12 },
      integration: { creditlimit: '12' },
      localSnapshot: { credit: 10 },
      integrationSnapshot: { creditlimit: 10 },
      policy: 'NONE',
    });
    expect(plan.conflicts).toEqual([]);
    expect(plan.changes).toEqual([]);
  });
});

describe('messagePattern', () => {
  it('takes record-specific values out of a message', () => {
    expect(messagePattern('value "ACME AS" too long for column name (max 30)')).toBe(
      'value "…" too long for column name (max #)',
    );
    expect(messagePattern('The local record 42 was deleted')).toBe(messagePattern('The local record 7 was deleted'));
    expect(messagePattern('The integration record 0b6c1c9e-3f1e-4a57-9c55-2a7f3c9d1e11 was deleted')).toBe(
      'The integration record … was deleted',
    );
  });
});
