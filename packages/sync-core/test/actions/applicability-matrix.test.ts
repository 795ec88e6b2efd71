import { afterEach, describe, expect, it } from 'vitest';
import {
  type ActionResult,
  deleteRecords,
  removeCouplings,
  restoreRecords,
  retrySyncErrors,
  synchronizeSyncErrors,
} from '../../src/actions/index.js';
import { DIALECTS } from '../support/databases.js';
import { actionContext, seedErrorOfEveryKind } from '../support/error-kinds.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

type Kind = 'conflict' | 'writeFailed' | 'integrationDeleted' | 'localDeleted';

/** Which action applies to which kind (DESIGN.md "Triage actions"): true = acted on, else the refusal code. */
const MATRIX: Record<string, Record<Kind, true | string>> = {
  removeCouplings: { conflict: true, writeFailed: true, integrationDeleted: true, localDeleted: true },
  retrySyncErrors: {
    conflict: true,
    writeFailed: true,
    integrationDeleted: 'ACTION_NOT_APPLICABLE',
    localDeleted: 'ACTION_NOT_APPLICABLE',
  },
  synchronizeSyncErrors: {
    conflict: true,
    writeFailed: true,
    integrationDeleted: 'ACTION_NOT_APPLICABLE',
    localDeleted: 'ACTION_NOT_APPLICABLE',
  },
  restoreRecords: {
    conflict: 'ACTION_NOT_APPLICABLE',
    writeFailed: 'ACTION_NOT_APPLICABLE',
    integrationDeleted: true,
    localDeleted: true,
  },
  deleteRecords: {
    conflict: 'ACTION_NOT_APPLICABLE',
    writeFailed: 'ACTION_NOT_APPLICABLE',
    integrationDeleted: true,
    localDeleted: true,
  },
};

const ACTIONS: Record<string, (fx: SyncFixture, ids: number[]) => Promise<ActionResult>> = {
  removeCouplings: (fx, ids) => removeCouplings(actionContext(fx), { ids }),
  retrySyncErrors: (fx, ids) => retrySyncErrors(actionContext(fx), { ids }),
  // The integration side wins: Bob's rejected local name is replaced by the CRM's, so his write succeeds.
  synchronizeSyncErrors: (fx, ids) => synchronizeSyncErrors(actionContext(fx), { ids }, { winner: 'INTEGRATION' }),
  restoreRecords: (fx, ids) => restoreRecords(actionContext(fx), { ids }),
  deleteRecords: (fx, ids) => deleteRecords(actionContext(fx), { ids }),
};

describe.each(DIALECTS)('which action applies to which error kind, on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  for (const [action, expected] of Object.entries(MATRIX)) {
    it(`${action}: ${Object.entries(expected)
      .map(([kind, outcome]) => `${kind} ${outcome === true ? 'applies' : 'refused'}`)
      .join(', ')}`, async () => {
      fx = await createSyncFixture(dialect);
      const seeded = await seedErrorOfEveryKind(fx);
      const result = await ACTIONS[action]!(
        fx,
        Object.values(seeded).map((s) => s.errorId),
      );
      const outcomes = Object.fromEntries(
        (Object.keys(expected) as Kind[]).map((kind) => {
          const failure = result.failures.find((f) => f.errorId === seeded[kind].errorId);
          return [kind, failure ? failure.code : true];
        }),
      );
      expect(outcomes).toEqual(expected);
      expect(result.requested).toBe(4);
      expect(result.succeeded + result.failed).toBe(4);
    });
  }
});
