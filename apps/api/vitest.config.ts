import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 has no `exports` map: Node loads `index.js` (CommonJS) for Pothos and Yoga, while Vite would
// pick `index.mjs` for our own files — two copies, and "Cannot use GraphQLObjectType from another realm".
// Pointing `graphql` at what Node resolves keeps one copy, as in production.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One file at a time: the files that start whole deployments (test/cluster: several `tandem start`
    // processes, each with its job threads and connection pools) would otherwise together exceed the
    // test PostgreSQL's 100 connections. On two cores files barely overlapped anyway (measured: 381 s
    // wall for 353 s of tests).
    fileParallelism: false,
  },
});
