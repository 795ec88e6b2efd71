import { describe, expect, it } from 'vitest';
import { conditionFields, emptyAlertRuleForm, formOfRule, inputOfForm } from '../../src/composables/alert-rule-form';
import { type AlertState, applyChanges } from '../../src/composables/useAlertsLive';

describe('the alert rule form', () => {
  it('sends only the fields the condition takes, so a stale threshold never reaches the API', () => {
    const form = {
      ...emptyAlertRuleForm(),
      name: ' stalled ',
      threshold: 7,
      kinds: ['WRITE_FAILED'],
      minutes: 30,
      channels: ['hook'],
    };
    expect(inputOfForm({ ...form, when: 'NO_SUCCESS_FOR' })).toEqual({
      name: 'stalled',
      mappingId: null,
      when: 'NO_SUCCESS_FOR',
      threshold: null,
      kinds: null,
      minutes: 30,
      channels: ['hook'],
      enabled: true,
    });
    expect(inputOfForm({ ...form, when: 'OPEN_ERRORS_OVER' }, false)).toMatchObject({
      threshold: 7,
      kinds: ['WRITE_FAILED'],
      minutes: null,
      enabled: false,
    });
    expect(inputOfForm({ ...form, when: 'JOB_FAILED' })).toMatchObject({ threshold: null, kinds: null, minutes: null });
    expect(conditionFields('RECORDS_FAILED_OVER')).toEqual({ threshold: true, kinds: false, minutes: false });
  });

  it('edits a stored rule as it is', () => {
    const form = formOfRule({
      id: 'r1',
      name: 'conflicts',
      condition: 'OPEN_ERRORS_OVER',
      threshold: 100,
      kinds: ['UPDATE_CONFLICT'],
      minutes: null,
      channels: ['slack'],
      enabled: true,
      source: 'API',
      updatedAt: '2026-12-01T10:00:00.000Z',
      mapping: { id: 'm1', name: 'customers' },
    });
    expect(form).toEqual({
      name: 'conflicts',
      mappingId: 'm1',
      when: 'OPEN_ERRORS_OVER',
      threshold: 100,
      kinds: ['UPDATE_CONFLICT'],
      minutes: null,
      channels: ['slack'],
    });
  });
});

describe('what fires now', () => {
  const state = (id: string, status: 'FIRING' | 'RESOLVED', changedAt: string): AlertState => ({
    id,
    status,
    changedAt,
    message: 'why',
    rule: { id: 'r', name: 'rule' },
    mapping: { id: 'm', name: 'customers' },
    job: null,
  });

  it('adds states that start firing, drops those that resolve, newest first', () => {
    const initial = [state('a', 'FIRING', '2026-12-01T01:00:00Z'), state('b', 'FIRING', '2026-12-01T02:00:00Z')];
    const changes = [state('a', 'RESOLVED', '2026-12-01T03:00:00Z'), state('c', 'FIRING', '2026-12-01T04:00:00Z')];
    expect(applyChanges(initial, changes).map((s) => s.id)).toEqual(['c', 'b']);
    expect(applyChanges(initial, [])).toHaveLength(2);
  });
});
