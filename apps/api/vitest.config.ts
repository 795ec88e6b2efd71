import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 has no `exports` map: Node loads `index.js` (CommonJS) for Pothos and Yoga, while Vite would
// pick `index.mjs` for our own files — two copies, and "Cannot use GraphQLObjectType from another realm".
// Pointing `graphql` at what Node resolves keeps one copy, as in production.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
