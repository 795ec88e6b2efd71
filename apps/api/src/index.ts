// The GraphQL API (issue 4) lands here. Until then this package only re-exports the domain it will serve.
export { createOrm } from '@tandem/sync-core';
