import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ADMIN = fileURLToPath(new URL('../../', import.meta.url));

describe('typed documents', () => {
  // The documents are typed from graphql-env.d.ts; if it lags behind apps/api/schema.graphql the typecheck
  // would pass against a schema the API no longer serves.
  it('graphql-env.d.ts matches the committed schema (regenerate with `pnpm graphql-env`)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tandem-graphql-env-'));
    try {
      const fresh = join(folder, 'graphql-env.d.ts');
      execFileSync(join(ADMIN, 'node_modules/.bin/gql.tada'), ['generate', 'output', '--output', fresh], {
        cwd: ADMIN,
        stdio: 'pipe',
      });
      expect(readFileSync(fresh, 'utf8')).toBe(readFileSync(join(ADMIN, 'src/graphql/graphql-env.d.ts'), 'utf8'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
