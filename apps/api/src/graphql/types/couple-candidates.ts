import {
  type CandidateCoupling,
  type CandidateField,
  AppUnavailableError as CoreAppUnavailableError,
  RecordNotFoundError as CoreRecordNotFoundError,
  type CoupleCandidate,
  type CoupleCandidates,
  DEFAULT_COUPLE_CANDIDATES,
  findCoupleCandidates,
  MAX_CANDIDATE_SEARCH_LENGTH,
  MAX_COUPLE_CANDIDATES,
  MappingNotFoundError,
} from '@tandem/sync-core';
import { ApiError } from '../../errors/api.error.js';
import { NotFoundError } from '../../errors/not-found.error.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseId } from '../ids.js';
import { CouplingRef } from './coupling.js';
import { SideEnum } from './enums.js';
import { COMMON_ERRORS, ErrorInterface } from './errors.js';

/**
 * `coupleCandidates`: what the console's "Couple…" dialog needs — the record as its app holds it and the
 * records of the other app it could be coupled to, found by the mapping's match fields (as the engine's
 * match-based coupling finds them) or by a search the user typed; each says whether it is coupled already.
 * The pick is then coupled with `coupleRecords`.
 */

/** The record asked about is not in its app (or outside the mapping's filter). */
export class RecordNotFoundError extends ApiError {
  override readonly code = 'RECORD_NOT_FOUND';
  constructor(
    readonly side: 'LOCAL' | 'INTEGRATION',
    readonly recordId: string,
    message: string,
  ) {
    super(message);
  }
}

/** An app could not be read (connector not configured, failed, or no answer within 5 s). */
export class AppUnavailableError extends ApiError {
  override readonly code = 'APP_UNAVAILABLE';
  constructor(
    readonly side: 'LOCAL' | 'INTEGRATION',
    message: string,
  ) {
    super(message);
  }
}

builder.objectType(RecordNotFoundError, {
  name: 'RecordNotFoundError',
  interfaces: [ErrorInterface],
  description: "The record does not exist in its app (or is outside the mapping's filter on that side).",
  fields: (t) => ({
    side: t.field({ type: SideEnum, resolve: (e) => e.side }),
    recordId: t.exposeString('recordId'),
  }),
});

builder.objectType(AppUnavailableError, {
  name: 'AppUnavailableError',
  interfaces: [ErrorInterface],
  description:
    'An app could not be read now: its connector is not configured, it failed, or it did not answer in time.',
  fields: (t) => ({ side: t.field({ type: SideEnum, resolve: (e) => e.side }) }),
});

const CandidateCouplingRef = builder.objectRef<CandidateCoupling>('CandidateCoupling').implement({
  description: 'The active (COUPLED or PENDING) coupling a record has in the mapping.',
  fields: (t) => ({
    coupling: t.field({
      type: CouplingRef,
      nullable: true,
      resolve: (c, _args, context) =>
        CouplingRef.getDataloader(context)
          .load(c.id)
          .catch(() => null),
    }),
    localId: t.exposeString('localId', { nullable: true }),
    integrationId: t.exposeString('integrationId', { nullable: true }),
  }),
});

const CandidateFieldRef = builder.objectRef<CandidateField>('CandidateField').implement({
  description: 'A mapped field, named on both sides; useForMatch marks the match fields.',
  fields: (t) => ({
    localField: t.exposeString('localField'),
    integrationField: t.exposeString('integrationField'),
    useForMatch: t.exposeBoolean('useForMatch'),
  }),
});

const CoupleCandidateRef = builder.objectRef<CoupleCandidate>('CoupleCandidate').implement({
  description: 'A record of the other app that the record could be coupled to.',
  fields: (t) => ({
    recordId: t.exposeString('id', { description: 'Its id in its app (the other side).' }),
    values: t.field({
      type: 'JSON',
      description: 'Its mapped fields now, by its own side’s field names.',
      resolve: (c) => c.values,
    }),
    matchedFields: t.exposeStringList('matchedFields', {
      description:
        'Its fields whose value equals the record’s mapped value (the field’s transform and case rule applied).',
    }),
    coupled: t.boolean({
      description: 'It is coupled already (or pending) in this mapping: coupleRecords would refuse it.',
      resolve: (c) => c.coupling !== null,
    }),
    coupling: t.field({ type: CandidateCouplingRef, nullable: true, resolve: (c) => c.coupling }),
  }),
});

const SearchedByEnum = builder.enumType('CandidateSearchedBy', {
  values: ['MATCH_FIELDS', 'SEARCH'] as const,
  description: 'MATCH_FIELDS: the mapping’s match fields, as match-based coupling does; SEARCH: the typed search.',
});

const CoupleCandidatesResultRef = builder.objectRef<CoupleCandidates>('CoupleCandidatesResult').implement({
  description: 'A record and the records of the other app it could be coupled to (pick one for coupleRecords).',
  fields: (t) => ({
    side: t.field({ type: SideEnum, resolve: (r) => r.side }),
    recordId: t.exposeString('recordId'),
    record: t.field({
      type: 'JSON',
      description: 'The record’s mapped fields now, by its side’s field names.',
      resolve: (r) => r.record,
    }),
    recordCoupling: t.field({
      type: CandidateCouplingRef,
      nullable: true,
      description: 'Its active coupling: when set, the record is coupled already and cannot be coupled again.',
      resolve: (r) => r.recordCoupling,
    }),
    fields: t.field({ type: [CandidateFieldRef], resolve: (r) => r.fields }),
    searchedBy: t.field({ type: SearchedByEnum, resolve: (r) => r.searchedBy }),
    candidates: t.field({ type: [CoupleCandidateRef], resolve: (r) => r.candidates }),
    hasMore: t.exposeBoolean('hasMore', { description: 'More records met the search than `first`.' }),
  }),
});

const CandidateSearchInput = builder.inputType('CandidateSearchInput', {
  description: 'A search typed by the user, instead of the match fields: the field contains the text (any case).',
  fields: (t) => ({
    field: t.string({ required: true, description: 'A mapped field of the other side (its name there).' }),
    value: t.string({
      required: true,
      description: `The text (at most ${MAX_CANDIDATE_SEARCH_LENGTH} characters); empty: search by the match fields.`,
    }),
  }),
});

builder.queryFields((t) => ({
  coupleCandidates: t.field({
    type: CoupleCandidatesResultRef,
    authScopes: { viewer: true },
    errors: { types: [...COMMON_ERRORS, RecordNotFoundError, AppUnavailableError] },
    description: `Records of the other app that a record could be coupled to by hand: by the mapping's match fields, or by \`search\`. Reads both apps. At most \`first\` (default ${DEFAULT_COUPLE_CANDIDATES}, at most ${MAX_COUPLE_CANDIDATES}) candidates.`,
    args: {
      mappingId: t.arg.id({ required: true }),
      side: t.arg({
        type: SideEnum,
        required: true,
        description: 'The side of recordId; candidates come from the other.',
      }),
      recordId: t.arg.string({ required: true }),
      search: t.arg({ type: CandidateSearchInput }),
      first: t.arg.int(),
    },
    resolve: async (_root, args, context) => {
      const mappingId = parseId('TableMapping', String(args.mappingId));
      const { store, connectors } = context.services;
      try {
        return await reportingInputErrors(() =>
          findCoupleCandidates(
            { store, connectors },
            {
              mappingId,
              side: args.side,
              recordId: args.recordId,
              search: args.search ?? null,
              first: args.first ?? null,
            },
          ),
        );
      } catch (error) {
        if (error instanceof MappingNotFoundError) throw new NotFoundError('TableMapping', String(args.mappingId));
        if (error instanceof CoreRecordNotFoundError)
          throw new RecordNotFoundError(error.side, error.recordId, error.message);
        if (error instanceof CoreAppUnavailableError) throw new AppUnavailableError(error.side, error.message);
        throw error;
      }
    },
  }),
}));
