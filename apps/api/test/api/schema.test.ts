import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/graphql/schema.js';

describe('schema.graphql', () => {
  it('is the printed schema (run `pnpm --filter @tandem/api schema` after changing a type)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../schema.graphql', import.meta.url)), 'utf8');
    // Both through graphql's printer: the formatter may re-wrap descriptions; what matters is the schema.
    expect(printSchema(buildSchema(printedSchema()))).toBe(printSchema(buildSchema(committed)));
  });

  it('keeps the names, arguments and enum values of DESIGN.md’s contract', () => {
    const sdl = printedSchema();
    for (const line of [
      'enum SyncDirection {\n  BIDIRECTIONAL\n  FROM_INTEGRATION\n  TO_INTEGRATION\n}',
      'enum SyncJobStatus {\n  CANCELLED\n  FAILED\n  PARTIAL\n  QUEUED\n  RUNNING\n  SUCCEEDED\n}',
      'enum Side {\n  INTEGRATION\n  LOCAL\n}',
      'syncErrorsChanged(mappingId: ID): SyncErrorSummary!',
      'syncJobChanged(mappingId: ID): SyncJob!',
      'tableMappings: [TableMapping!]!',
      'node(id: ID!): Node',
    ]) {
      expect(sdl).toContain(line);
    }
  });
});
