import { checkMappingTables } from '@tandem/sync-core';
import type { TandemConfig } from '../config/config.schema.js';
import { closeConnectors, openConnectors } from '../runtime/open-connectors.js';

/**
 * `tandem check-config [--offline]`. The file itself was validated when it was read; this also opens every
 * connector and checks the tables and columns every mapping names, so that a typo shows up here rather
 * than in the first job. Every problem is printed on its own line with its config path; any problem
 * exits 2. `--offline` skips the connectors (a machine that cannot reach the apps, a CI lint step).
 */
export async function checkConfigCommand(config: TandemConfig, offline: boolean): Promise<number> {
  const summary = `${config.mappings.length} mappings, ${Object.keys(config.connectors).length} connectors`;
  if (offline) {
    console.log(`config OK: ${summary} (offline: connectors not checked)`);
    return 0;
  }
  const { connectors, problems } = await openConnectors(config.connectors, { verify: true });
  try {
    problems.push(...(await checkMappingTables(connectors, config.mappings)));
  } finally {
    await closeConnectors(connectors);
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error: ${problem.message}`);
    console.error(`config has ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    return 2;
  }
  console.log(`config OK: ${summary}; every connector answered and has the mapped tables and columns`);
  return 0;
}
