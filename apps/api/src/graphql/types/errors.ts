import { ApiError } from '../../errors/api.error.js';
import { ForbiddenError } from '../../errors/forbidden.error.js';
import { InvalidIdError } from '../../errors/invalid-id.error.js';
import { InvalidInputError } from '../../errors/invalid-input.error.js';
import { MappingBusyError } from '../../errors/mapping-busy.error.js';
import { NotFoundError } from '../../errors/not-found.error.js';
import { builder } from '../builder.js';

/**
 * Typed failures: every mutation's result is a union of its payload and these, so a client branches on
 * `__typename` (or `... on Error { code message }`) instead of parsing messages.
 */
export const ErrorInterface = builder.interfaceRef<ApiError>('Error').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code', { description: 'Stable machine-readable reason, e.g. NOT_FOUND, FORBIDDEN.' }),
  }),
});

builder.objectType(ApiError, { name: 'BaseError', interfaces: [ErrorInterface] });

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ typename: t.exposeString('typename'), id: t.exposeString('id') }),
});

builder.objectType(InvalidIdError, {
  name: 'InvalidIdError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ expected: t.exposeString('expected'), id: t.exposeString('id') }),
});

builder.objectType(ForbiddenError, { name: 'ForbiddenError', interfaces: [ErrorInterface] });

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ argument: t.exposeString('argument') }),
});

builder.objectType(MappingBusyError, {
  name: 'MappingBusyError',
  interfaces: [ErrorInterface],
  description: 'A job of the mapping is running (or another action on it): nothing changed; try again when it ends.',
  fields: (t) => ({
    runningJobId: t.exposeID('runningJobId', {
      nullable: true,
      description: 'The running SyncJob that keeps the mapping, if a job does.',
    }),
  }),
});

/** The failures most fields can have; listed first so the most specific class wins over BaseError. */
export const COMMON_ERRORS = [ForbiddenError, InvalidIdError, NotFoundError, InvalidInputError];
