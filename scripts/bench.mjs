#!/usr/bin/env node
// `pnpm bench [NAME …]`: every package's benchmarks, or only the named scenarios, each run by the package
// that owns it (`pnpm --filter <pkg> run bench <names>`), so every package keeps its own runner and deps.
import { spawnSync } from 'node:child_process';

const SCENARIOS = {
  '@tandem/sync-core': [
    'initial-sync',
    'incremental',
    'incremental-postgres',
    'retry-all',
    'remove-coupling-bulk',
    'restore-bulk',
    'dataverse-throughput',
  ],
  '@tandem/api': ['alert-latency', 'api-during-sync', 'errors-page', 'scale-out', 'subscription-fanout'],
  '@tandem/admin': ['admin-bundle', 'admin-errors-page'],
};

const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const owner = (name) => Object.keys(SCENARIOS).find((pkg) => SCENARIOS[pkg].includes(name));
const unknown = requested.filter((name) => !owner(name));
if (unknown.length > 0) {
  const known = Object.values(SCENARIOS).flat().join(', ');
  process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${known}\n`);
  process.exit(2);
}

let failed = false;
for (const pkg of Object.keys(SCENARIOS)) {
  const names = requested.length > 0 ? requested.filter((name) => owner(name) === pkg) : [];
  if (requested.length > 0 && names.length === 0) continue;
  const result = spawnSync('pnpm', ['--filter', pkg, 'run', 'bench', ...names], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`${pkg}: benchmarks failed (exit ${result.status ?? result.signal})\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
