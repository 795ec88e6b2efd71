// The rule lives beside the actions that enforce it (actions/applicability.ts); queries read it from there,
// so that the actions folder never depends on queries.
export { applicableActions, TRIAGE_ACTIONS, type TriageAction } from '../actions/applicability.js';
